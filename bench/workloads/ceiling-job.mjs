// @ts-check
/**
 * The normalize ceiling: DuckDB alone runs the normalizer's own curated SELECT (compileMapping for
 * usgs-earthquakes → earthquakes, via apps/normalizer's curatedSelectSql) over ALL raw files in ONE
 * `COPY … TO … (PARTITION_BY event_date)` statement: same columns, same dedup, same required-column
 * filter, same per-file ordering, same zstd/V1 Parquet. No Kafka, no verification, no per-file
 * overhead: what the engine and the hardware allow.
 *
 * Run as its own process (so its memory is measured like the others'):
 *   node bench/workloads/ceiling-job.mjs '{"files":[...],"outDir":"...","threads":2}'
 * Prints one JSON line: { rows, statementMs }.
 */
import { loadFluxoLibs } from '../lib/build.mjs';

const { files, outDir, threads } = JSON.parse(process.argv[2] ?? '{}');
const libs = await loadFluxoLibs();
const catalog = await libs.loadDefinitionCatalog();
const source = typeof catalog.pollSource === 'function' ? catalog.pollSource('usgs-earthquakes') : catalog.source('usgs-earthquakes');
const dataset = catalog.dataset(source.dataset);
const mapping = libs.compileMapping(source, dataset);
const required = [...new Set([...mapping.columns.filter((/** @type {any} */ c) => c.required).map((/** @type {any} */ c) => c.name), dataset.partitionBy])];
const list = `[${files.map((/** @type {string} */ f) => libs.sqlString(f)).join(', ')}], hive_partitioning = false`;
const select = libs.curatedSelectSql(list, mapping, { source: source.name, rawUri: 'raw/bench-ceiling.parquet', topic: 'none', partition: 0, offset: '0' });
const part = dataset.partitionBy;
const sql =
  `COPY (SELECT *, CAST(${part} AS DATE) AS event_date FROM (${select}) WHERE ${libs.requiredPredicate(required)} ` +
  `ORDER BY ${part}, _record_key, _record_version) ` +
  `TO ${libs.sqlString(outDir)} (FORMAT parquet, COMPRESSION zstd, PARQUET_VERSION V1, PARTITION_BY (event_date))`;

const engine = await libs.ParquetEngine.open({ logger: libs.silentLogger, threads });
try {
  const started = performance.now();
  await engine.run(sql);
  const statementMs = performance.now() - started;
  const [row] = await engine.all(`SELECT count(*)::BIGINT AS n FROM read_parquet(${libs.sqlString(`${outDir}/*/*.parquet`)})`);
  console.log(JSON.stringify({ rows: Number(row.n), statementMs }));
} finally {
  await engine.close();
}
