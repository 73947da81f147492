/**
 * How every fluxo Parquet file is written (see docs/decisions/0001-parquet-engine.md):
 * zstd (never brotli), format version 1 (DuckDB writes V1 data pages and PLAIN/dictionary
 * encodings that every reader handles). Timestamps come from TIMESTAMPTZ columns, which DuckDB
 * writes as INT64 `TIMESTAMP(isAdjustedToUTC=true, MICROS)`: never nanoseconds.
 */
export const PARQUET_COPY_OPTIONS = 'FORMAT parquet, COMPRESSION zstd, PARQUET_VERSION V1';
