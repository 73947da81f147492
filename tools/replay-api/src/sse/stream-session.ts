/**
 * One SSE connection to the replayed stream: paces events, sends `:ok` comment heartbeats and
 * plays the SSE faults (drop after N events, stall, garbage line). Returns when the stream ends.
 */
import { setImmediate as yieldToIo, setTimeout as sleep } from 'node:timers/promises';
import { type FaultSpec } from '../types';
import { formatEventId } from './event-id';
import { type LoopedRecording } from './looped-recording';
import { type SseWriter } from './sse-writer';

export interface SessionPlan {
  readonly startSeq: number;
  /** 0: as fast as the client reads. */
  readonly eventsPerSecond: number;
  /** 0: no heartbeat. */
  readonly heartbeatMs: number;
  readonly fault: FaultSpec | undefined;
}

export interface SessionHooks {
  onEvent(seq: number): void;
}

function garbageLine(fault: Extract<FaultSpec, { kind: 'sse-garbage' }>, nextData: string): string {
  if (fault.variant === 'oversized') return 'x'.repeat(fault.bytes ?? 1024 * 1024);
  return nextData.slice(0, Math.floor(nextData.length / 2));
}

export async function runStreamSession(writer: SseWriter, recording: LoopedRecording, plan: SessionPlan, hooks: SessionHooks): Promise<void> {
  const abort = new AbortController();
  writer.onClose(() => abort.abort());
  const { signal } = abort;
  const { fault } = plan;
  let paused = false;
  const heartbeat =
    plan.heartbeatMs > 0
      ? setInterval(() => {
          if (!paused) void writer.comment('ok');
        }, plan.heartbeatMs)
      : undefined;
  const intervalMs = plan.eventsPerSecond > 0 ? 1000 / plan.eventsPerSecond : 0;
  let pacingStart = performance.now();

  try {
    await writer.comment('ok');
    for (let sent = 0; !writer.closed; sent += 1) {
      if (fault?.kind === 'sse-drop-after' && sent === fault.events) {
        writer.end();
        return;
      }
      if (fault?.kind === 'sse-stall' && sent === fault.afterEvents) {
        paused = true;
        await sleep(fault.ms, undefined, { signal });
        paused = false;
        pacingStart = performance.now() - sent * intervalMs;
      }
      const event = recording.at(plan.startSeq + sent);
      if (fault?.kind === 'sse-garbage' && sent === fault.afterEvents) {
        await writer.event({ event: 'message', data: garbageLine(fault, event.data) });
      }
      if (intervalMs > 0) {
        const waitMs = pacingStart + sent * intervalMs - performance.now();
        if (waitMs > 0) await sleep(waitMs, undefined, { signal });
      } else {
        await yieldToIo(undefined, { signal });
      }
      if (writer.closed) return;
      await writer.event({ event: 'message', id: formatEventId(event.topic, event.partition, event.offset), data: event.data });
      hooks.onEvent(event.seq);
    }
  } catch (error: unknown) {
    if (!signal.aborted) throw error;
  } finally {
    if (heartbeat !== undefined) clearInterval(heartbeat);
    abort.abort();
  }
}
