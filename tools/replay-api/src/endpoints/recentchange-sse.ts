/**
 * `GET /v2/stream/recentchange`: the recorded Wikimedia events as an endless SSE stream (see
 * `sse/looped-recording.ts`). A new connection starts at the first recorded event, unlike the live
 * service (which starts at "now"), so tests are deterministic. `Last-Event-ID` resumes right after
 * an offset id, or at the first event at/after a timestamp id (Kafka's rule, as live); `?since=`
 * takes epoch ms or ISO. `sse-refuse-resume` ignores both and starts `skipEvents` past the live
 * position (the highest sequence any connection has been sent), leaving a gap the client must notice.
 */
import { type Logger } from '@fluxo/schema';
import { type RecordedEvent } from '../recordings/load-recentchange';
import { parseLastEventId, parseSince } from '../sse/event-id';
import { LoopedRecording } from '../sse/looped-recording';
import { SseWriter } from '../sse/sse-writer';
import { runStreamSession } from '../sse/stream-session';
import { type SseOptions } from '../types';
import { type Endpoint, type RequestContext, newCounters } from './endpoint';

export const RECENTCHANGE_PATH = '/v2/stream/recentchange';

export function recentChangeEndpoint(events: readonly RecordedEvent[], sse: Required<SseOptions>, logger: Logger): Endpoint {
  const recording = new LoopedRecording(events);
  const topic = events[0]?.event.meta.topic ?? 'eqiad.mediawiki.recentchange';
  const counters = newCounters();
  const writers = new Set<SseWriter>();
  const log = logger.child({ endpoint: RECENTCHANGE_PATH });
  let highestSeq = -1;

  function requestedStart(ctx: RequestContext): { seq: number; from: string } {
    const header = ctx.req.headers['last-event-id'];
    const position = parseLastEventId(Array.isArray(header) ? header[0] : header, topic);
    if (position?.kind === 'offset') return { seq: recording.seqAfterOffset(position.offset), from: `after offset ${position.offset}` };
    if (position?.kind === 'timestamp') return { seq: recording.seqAtOrAfterTime(position.timestampMs), from: `timestamp ${position.timestampMs}` };
    const since = parseSince(ctx.url.searchParams.get('since'));
    if (since !== undefined) return { seq: recording.seqAtOrAfterTime(since), from: `since ${since}` };
    return { seq: 0, from: 'start of recording' };
  }

  return {
    path: RECENTCHANGE_PATH,
    realUrl: `https://stream.wikimedia.org${RECENTCHANGE_PATH}`,
    kind: 'sse',
    recorded: recording.size,
    counters,
    position: () => highestSeq,
    openStreams: () => writers.size,
    reset: () => {
      highestSeq = -1;
    },
    close: () => {
      for (const writer of writers) writer.end();
    },
    async handle(ctx: RequestContext): Promise<void> {
      const requested = requestedStart(ctx);
      const refuse = ctx.fault?.kind === 'sse-refuse-resume' ? ctx.fault : undefined;
      const startSeq = refuse === undefined ? requested.seq : Math.max(highestSeq + 1, requested.seq) + (refuse.skipEvents ?? 0);
      const writer = new SseWriter(ctx.res);
      writers.add(writer);
      writer.onClose(() => writers.delete(writer));
      writer.start({ 'Access-Control-Allow-Origin': '*' });
      if (ctx.headOnly) {
        writer.end();
        return;
      }
      log.info({ startSeq, requested: requested.from, refusedResume: refuse !== undefined, fault: ctx.fault?.kind }, 'stream opened');
      await runStreamSession(
        writer,
        recording,
        { startSeq, eventsPerSecond: sse.eventsPerSecond, heartbeatMs: sse.heartbeatMs, fault: ctx.fault },
        {
          onEvent: (seq) => {
            counters.served += 1;
            highestSeq = Math.max(highestSeq, seq);
          },
        },
      );
      log.info({ startSeq, highestSeq }, 'stream closed');
    },
  };
}
