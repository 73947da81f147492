import { NAME_PATTERN } from '@fluxo/schema';
import { ParquetIoError } from './errors';

/** The three zones of the lake, each the first segment of every URI. */
export const LAKE_ZONES = ['raw', 'curated', 'quarantine'] as const;

/** File stems: like NAME_PATTERN (lowercase, digits, `-`, `_`; no dots, so the extension is unambiguous), up to 128 characters. */
const STEM_PATTERN = /^[a-z0-9][a-z0-9_-]{0,127}$/;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function checkName(field: 'source' | 'dataset' | 'stage', value: string): string {
  if (typeof value !== 'string' || !NAME_PATTERN.test(value)) {
    throw new ParquetIoError('INVALID_ARGUMENT', `${field} must match ${NAME_PATTERN.source}`, {
      context: { field, actual: value },
    });
  }
  return value;
}

export function checkStem(value: string): string {
  if (typeof value !== 'string' || !STEM_PATTERN.test(value)) {
    throw new ParquetIoError('INVALID_ARGUMENT', `stem must match ${STEM_PATTERN.source}`, {
      context: { field: 'stem', actual: value },
    });
  }
  return value;
}

/** `YYYY-MM-DD` of an instant, in UTC. */
export function utcDate(field: string, at: Date): string {
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) {
    throw new ParquetIoError('INVALID_ARGUMENT', `${field} must be a valid Date`, { context: { field } });
  }
  return at.toISOString().slice(0, 10);
}

/** Accepts a real calendar date written `YYYY-MM-DD` (no `2025-02-30`). */
function checkIsoDate(field: string, value: string): string {
  const parsed = typeof value === 'string' && ISO_DATE.test(value) ? new Date(`${value}T00:00:00.000Z`) : undefined;
  const valid = parsed !== undefined && !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(value);
  if (!valid) {
    throw new ParquetIoError('INVALID_ARGUMENT', `${field} must be a calendar date written YYYY-MM-DD`, {
      context: { field, actual: value },
    });
  }
  return value;
}

/** A raw file's URI within the lake: `raw/<source>/date=<fetch date, UTC>/<stem>.parquet`. */
export function rawFileUri(source: string, fetchedAt: Date, stem: string): string {
  return `raw/${checkName('source', source)}/date=${utcDate('fetchedAt', fetchedAt)}/${checkStem(stem)}.parquet`;
}

/** A curated file's URI within the lake: `curated/<dataset>/event_date=<YYYY-MM-DD>/<stem>.parquet`. */
export function curatedFileUri(dataset: string, eventDate: string, stem: string): string {
  return `curated/${checkName('dataset', dataset)}/event_date=${checkIsoDate('eventDate', eventDate)}/${checkStem(stem)}.parquet`;
}
