/**
 * The SSE `id:` of EventStreams: a JSON array of Kafka positions, one per topic-partition, e.g.
 * `[{"topic":"eqiad.mediawiki.recentchange","partition":0,"offset":4820784717}]`. The live service
 * also sends the timestamp form, `{"topic":…,"partition":0,"timestamp":1670732822001}`, alongside
 * `{"topic":"codfw…","partition":0,"offset":-1}` for the idle datacenter. Both are accepted back in
 * `Last-Event-ID`.
 */
export type ResumePosition = { kind: 'offset'; offset: number } | { kind: 'timestamp'; timestampMs: number };

export function formatEventId(topic: string, partition: number, offset: number): string {
  return JSON.stringify([{ topic, partition, offset }]);
}

interface Assignment {
  topic?: unknown;
  partition?: unknown;
  offset?: unknown;
  timestamp?: unknown;
}

function positionOf(entry: Assignment): ResumePosition | undefined {
  if (typeof entry.offset === 'number' && Number.isInteger(entry.offset) && entry.offset >= 0) return { kind: 'offset', offset: entry.offset };
  if (typeof entry.timestamp === 'number' && Number.isFinite(entry.timestamp)) return { kind: 'timestamp', timestampMs: entry.timestamp };
  return undefined;
}

/**
 * Reads the position for `topic` from a `Last-Event-ID` value. Entries for other topics are used
 * only when none names `topic`. Returns undefined for anything unusable (the caller starts afresh).
 */
export function parseLastEventId(value: string | undefined, topic: string): ResumePosition | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed)) return undefined;
  const entries = parsed.filter((e): e is Assignment => typeof e === 'object' && e !== null);
  const own = entries.filter((e) => e.topic === topic);
  for (const entry of own.length > 0 ? own : entries) {
    const position = positionOf(entry);
    if (position !== undefined) return position;
  }
  return undefined;
}

/** `?since=` as the live API takes it: epoch ms or an ISO-8601 date. */
export function parseSince(value: string | null): number | undefined {
  if (value === null || value === '') return undefined;
  const asNumber = Number(value);
  if (Number.isFinite(asNumber)) return asNumber;
  const asDate = Date.parse(value);
  return Number.isNaN(asDate) ? undefined : asDate;
}
