import { schemaFingerprint, type ColumnSchema } from './parquet-schema';

export interface RawColumn extends ColumnSchema {
  readonly nullable: boolean;
}

/**
 * The one schema of every raw file, whatever the source (never inferred per batch):
 * the record's JSON text verbatim plus what identifies and orders it.
 */
export const RAW_SCHEMA: readonly RawColumn[] = Object.freeze([
  { name: 'record_key', type: 'VARCHAR', nullable: false },
  { name: 'record_version', type: 'VARCHAR', nullable: false },
  { name: 'event_time', type: 'TIMESTAMP WITH TIME ZONE', nullable: true },
  { name: 'fetched_at', type: 'TIMESTAMP WITH TIME ZONE', nullable: false },
  { name: 'record', type: 'VARCHAR', nullable: false },
  { name: 'context', type: 'VARCHAR', nullable: true },
]);

/** `schemaFingerprint(RAW_SCHEMA)`: what every raw FileReference carries. */
export const RAW_SCHEMA_FINGERPRINT = schemaFingerprint(RAW_SCHEMA);

/** One raw record as a source adapter hands it over. */
export interface RawRow {
  /** Stable identity of the record at the source (e.g. the USGS event id). */
  readonly key: string;
  /** Orders versions of the same key (e.g. the `updated` epoch ms, as text). */
  readonly version: string;
  readonly eventTime: Date | null;
  /** The record's JSON text exactly as received. */
  readonly record: string;
  /** JSON text of envelope fields (feed metadata, request URL…), or null. */
  readonly context: string | null;
}
