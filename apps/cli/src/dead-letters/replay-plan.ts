import { describeError, FluxoError, parseFileReference, type FileReference } from '@fluxo/schema';
import type { Lake } from '@fluxo/parquet-io';
import type { DeadLetterRecord } from './scan';

/** What replaying one dead letter means. */
export type ReplayAction =
  /** Publish the original reference again, verbatim, on the raw-files topic. */
  | { readonly kind: 'republish'; readonly reference: FileReference; readonly key: string; readonly value: Buffer; readonly ready: boolean; readonly problem: string | null }
  /** An ingest-side failure: nothing to re-publish; the source must be polled (or its stream followed) again. */
  | { readonly kind: 'repoll'; readonly source: string | null; readonly advice: string }
  /** Nothing can be replayed (the reference itself is broken, or the record is not a dead letter). */
  | { readonly kind: 'none'; readonly advice: string };

/**
 * Decides how a dead letter is replayed. A normalizer dead letter carries the original Kafka record
 * verbatim: when it parses as a raw-file reference, replaying re-publishes exactly those bytes (the
 * tables dedupe by (key, version), so a replay never curates a row twice). `ready` tells whether
 * its raw file now passes the checks the normalizer makes (in the lake, size, SHA-256).
 */
export async function planReplay(record: DeadLetterRecord, lake: Lake | null): Promise<ReplayAction> {
  const event = record.event;
  if (event === null) return { kind: 'none', advice: `not a dead-letter event (${record.problem ?? 'unreadable'})` };
  switch (event.stage) {
    case 'ingest':
      return {
        kind: 'repoll',
        source: event.source ?? null,
        advice:
          event.reason === 'RECORD_REJECTED' || event.reason === 'RECORD_TOO_LARGE'
            ? `re-poll source ${event.source ?? '?'}: records rejected at ingest are read again by its next poll while the feed still holds them (fix the definition or FLUXO_MAX_RECORD_BYTES, then restart ingest)`
            : `re-poll source ${event.source ?? '?'}: fix what made the response unusable (${event.reason}), then restart ingest — it polls the source again at once; the quarantined body is ${event.quarantineUri ?? 'not kept'}`,
      };
    case 'stream-ingest':
      return {
        kind: 'repoll',
        source: event.source ?? null,
        advice: `stream ${event.source ?? '?'}: a line the stream sent once cannot be fetched again; stream-ingest resumes from its saved position after a restart (the line is in the dead letter's original)`,
      };
    case 'normalizer':
      break;
  }
  const original = event.original;
  if (original.encoding !== 'utf8' || original.value === '') return { kind: 'none', advice: 'the original record is not a reference (binary or empty): fix its producer' };
  let reference: FileReference;
  try {
    reference = parseFileReference(Buffer.from(original.value, 'utf8'));
  } catch (error) {
    return { kind: 'none', advice: `the original record is not a valid reference (${error instanceof FluxoError ? error.code : describeError(error)}): nothing to replay; fix its producer` };
  }
  if (reference.kind !== 'raw') return { kind: 'none', advice: `the original reference announces a ${reference.kind} file, not a raw one: nothing to replay` };
  const base = { kind: 'republish' as const, reference, key: original.key ?? reference.dataset, value: Buffer.from(original.value, 'utf8') };
  if (lake === null) return { ...base, ready: false, problem: 'no lake to verify the raw file in' };
  try {
    await lake.verify(reference);
    return { ...base, ready: true, problem: null };
  } catch (error) {
    return { ...base, ready: false, problem: `${error instanceof FluxoError ? `${error.code}: ` : ''}${describeError(error)}` };
  }
}

/** A short label of the action for tables. */
export function describeAction(action: ReplayAction): string {
  switch (action.kind) {
    case 'republish':
      return action.ready ? 'replay → raw-files' : `replay blocked (${action.problem?.split(':')[0] ?? 'file fails'})`;
    case 'repoll':
      return `re-poll ${action.source ?? '?'}`;
    case 'none':
      return 'not replayable';
  }
}
