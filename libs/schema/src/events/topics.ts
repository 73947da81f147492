/** The pipeline's default topics. Each app lets configuration rename them. */
export const DEFAULT_TOPICS = {
  /** References to raw files written by ingest and stream-ingest. */
  rawFiles: 'fluxo.raw-files',
  /** References to curated files written by the normalizer. */
  curatedFiles: 'fluxo.curated-files',
  /** Anything that could not be processed, with the reason. */
  deadLetter: 'fluxo.dead-letter',
} as const;

