import type { LogLine } from '@fluxo/e2e-harness';

/** The DuckDB statement labels that show an app in the middle of writing (logged at debug, as each completes). */
const WRITE_MARKERS = {
  // rows appended or the raw file written (on S3: the object uploaded): its commit (link) and announcement come next
  ingest: /^(append \d+ rows|COPY )/,
  'stream-ingest': /^(append \d+ rows|COPY )/,
  // a raw file staged or curated: more staging, the catalog commit or its announcement follow
  normalizer: /^(CREATE OR REPLACE TEMP TABLE curate_file|curate |INSERT INTO "stage_)/,
} as const;

/** Whether `line` (an app's debug log) shows the app in the middle of a write: where a SIGKILL hurts most. */
export function isMidWrite(app: keyof typeof WRITE_MARKERS, line: LogLine): boolean {
  return line.msg === 'duckdb statement' && WRITE_MARKERS[app].test(String(line['sql'] ?? ''));
}
