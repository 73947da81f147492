/**
 * The recorded events as an endless stream. Sequence number `seq` addresses loop
 * `L = floor(seq / size)`, recorded event `i = seq % size`. Loop 0 is the recording byte for byte.
 * In loop L > 0 every event gets, so that dedup and resume stay honest:
 * - `meta.id`: a UUID derived from the recorded id and L (deterministic, unique);
 * - `meta.offset` + L × offsetSpan, so offsets keep increasing across loops;
 * - `timestamp` (s) and `meta.dt` + L × timeSpan, so looped events are later than every earlier one;
 * - `id` (recent-changes id) + L × idSpan, because consumers also key on it.
 * Everything else (titles, revisions, request ids) is unchanged.
 */
import { type RecentChangeEvent, type RecordedEvent } from '../recordings/load-recentchange';
import { derivedUuid } from './derived-uuid';

export interface StreamEvent {
  readonly seq: number;
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /** Event time in ms (what a Kafka timestamp would be). */
  readonly timestampMs: number;
  /** The event JSON, as sent in `data:`. */
  readonly data: string;
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export class LoopedRecording {
  readonly size: number;
  /** Offsets one loop spans: last - first + 1. */
  readonly offsetSpan: number;
  /** Milliseconds one loop spans: (max - min timestamp) + 1 s. */
  readonly timeSpanMs: number;
  private readonly idSpan: number;
  private readonly firstOffset: number;
  private readonly minTimeMs: number;

  constructor(private readonly events: readonly RecordedEvent[]) {
    const offsets = events.map((e) => e.event.meta.offset);
    const times = events.map((e) => e.event.timestamp);
    const ids = events.map((e) => e.event.id);
    this.size = events.length;
    this.firstOffset = Math.min(...offsets);
    this.offsetSpan = Math.max(...offsets) - this.firstOffset + 1;
    this.minTimeMs = Math.min(...times) * 1000;
    this.timeSpanMs = (Math.max(...times) - Math.min(...times) + 1) * 1000;
    this.idSpan = Math.max(...ids) - Math.min(...ids) + 1;
  }

  private recorded(index: number): RecordedEvent {
    const recorded = this.events[index];
    if (recorded === undefined) throw new RangeError(`no recorded event ${index}`);
    return recorded;
  }

  at(seq: number): StreamEvent {
    const loop = Math.floor(seq / this.size);
    const { raw, event } = this.recorded(seq % this.size);
    const base = { seq, topic: event.meta.topic, partition: event.meta.partition };
    if (loop === 0) return { ...base, offset: event.meta.offset, timestampMs: event.timestamp * 1000, data: raw };
    const shiftMs = loop * this.timeSpanMs;
    const looped: RecentChangeEvent = structuredClone(event);
    looped.meta.id = derivedUuid(`${event.meta.id}#loop${loop}`);
    looped.meta.offset = event.meta.offset + loop * this.offsetSpan;
    looped.meta.dt = isoSeconds(Date.parse(event.meta.dt) + shiftMs);
    looped.timestamp = event.timestamp + shiftMs / 1000;
    looped.id = event.id + loop * this.idSpan;
    return { ...base, offset: looped.meta.offset, timestampMs: looped.timestamp * 1000, data: JSON.stringify(looped) };
  }

  /** The first sequence whose offset is greater than `offset` (resume right after it). */
  seqAfterOffset(offset: number): number {
    if (offset < this.firstOffset) return 0;
    const loop = Math.floor((offset - this.firstOffset) / this.offsetSpan);
    const local = offset - loop * this.offsetSpan;
    const index = this.events.findIndex((e) => e.event.meta.offset > local);
    return index === -1 ? (loop + 1) * this.size : loop * this.size + index;
  }

  /**
   * The first sequence, in stream order, whose event time is at or after `timestampMs`: Kafka's
   * offset-for-time rule, which the real EventStreams applies to timestamp ids and `?since=`.
   */
  seqAtOrAfterTime(timestampMs: number): number {
    const loop = Math.max(0, Math.floor((timestampMs - this.minTimeMs) / this.timeSpanMs));
    const shift = loop * this.timeSpanMs;
    const index = this.events.findIndex((e) => e.event.timestamp * 1000 + shift >= timestampMs);
    return index === -1 ? (loop + 1) * this.size : loop * this.size + index;
  }
}
