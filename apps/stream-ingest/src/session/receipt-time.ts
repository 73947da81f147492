import type { ExtractedRecord } from '@fluxo/schema';

/**
 * The raw row's `context` of a streamed event: `{"received_at":"<ISO 8601 UTC, ms>"}`, the moment
 * stream-ingest read the event off its connection. It rides in the raw schema's existing `context`
 * column, so the event's own JSON (`record`), its key and version stay exactly what the server
 * sent; stream sources cannot map `$context`, so the curated tables do not change either. It lets
 * anyone measure receipt → curated latency per event, not per batch.
 */
export function withReceiptTime(record: ExtractedRecord, receivedAtMs: number): ExtractedRecord {
  return { ...record, context: JSON.stringify({ received_at: new Date(receivedAtMs).toISOString() }) };
}
