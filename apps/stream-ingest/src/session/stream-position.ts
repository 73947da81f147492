/**
 * Positions of Wikimedia EventStreams (KafkaSSE): the SSE id is a JSON array of Kafka assignments,
 * `[{"topic":"eqiad.mediawiki.recentchange","partition":0,"offset":4820784717}]`, or with
 * `"timestamp"` (ms) instead of `offset` (the live service sends that form, next to
 * `{"topic":"codfw…","offset":-1}` for the idle datacenter). Sent back as `Last-Event-ID`, the
 * server resumes after the offset, or at the first event at/after the timestamp.
 */
export interface KafkaAssignment {
  readonly topic: string;
  readonly partition: number;
  readonly offset?: number;
  readonly timestamp?: number;
}

export function parseEventStreamsId(id: string | undefined): KafkaAssignment[] | undefined {
  if (id === undefined || id.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(id);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed)) return undefined;
  const assignments: KafkaAssignment[] = [];
  for (const entry of parsed as unknown[]) {
    if (typeof entry !== 'object' || entry === null) return undefined;
    const { topic, partition, offset, timestamp } = entry as Record<string, unknown>;
    if (typeof topic !== 'string') return undefined;
    assignments.push({
      topic,
      partition: typeof partition === 'number' ? partition : 0,
      ...(typeof offset === 'number' && Number.isInteger(offset) ? { offset } : {}),
      ...(typeof timestamp === 'number' && Number.isFinite(timestamp) ? { timestamp } : {}),
    });
  }
  return assignments.length > 0 ? assignments : undefined;
}

/**
 * The id to resume from so that a server honouring it re-sends the last event already received:
 * offsets are moved back by one (offset-for-time with a timestamp is inclusive already). That one
 * known event proves the resume continuous; its absence proves a gap. An id of another shape is
 * returned as it is.
 */
export function rewindEventStreamsId(id: string): string {
  const assignments = parseEventStreamsId(id);
  if (assignments === undefined) return id;
  return JSON.stringify(assignments.map((a) => (a.offset !== undefined && a.offset > 0 ? { ...a, offset: a.offset - 1 } : a)));
}

/**
 * How far `after` is from `before`, per topic-partition both carry an offset for: the offsets
 * between them (0 = adjacent, negative = the server went back). Undefined when not comparable.
 */
export function offsetsBetween(before: string | undefined, after: string | undefined): number | undefined {
  const a = parseEventStreamsId(before);
  const b = parseEventStreamsId(after);
  if (a === undefined || b === undefined) return undefined;
  for (const x of a) {
    if (x.offset === undefined || x.offset < 0) continue;
    const y = b.find((candidate) => candidate.topic === x.topic && candidate.partition === x.partition && candidate.offset !== undefined && candidate.offset >= 0);
    if (y?.offset !== undefined) return y.offset - x.offset - 1;
  }
  return undefined;
}
