// @ts-check
/**
 * `node bench/profile-normalize.mjs [--rows 1000000] [--files 100] [--max-files 200]`: where a backlog
 * drain spends its time and memory, without Kafka. The normalizer's own commit path (BatchHandler,
 * CuratedAnnouncer, DeadLetters, composed as apps/normalizer/src/main.ts composes them, on a real
 * DuckDB + DuckLake + SQLite catalog) handles workload 1's raw files in groups of `--max-files`, as
 * `ReferenceConsumer.runBatches` hands them over. Commit limits and engine settings come from the
 * normalizer's own configuration (FLUXO_COMMIT_MAX_*, FLUXO_ENGINE_*), so a setting can be tried by
 * exporting it. Prints total time, rows/s, the process's peak RSS and the time of every SQL statement
 * shape (summed). A diagnostic, not a workload: its numbers are not in the results.
 */
import { readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { DATASET, SOURCE, ensureRawDataset } from './data/raw-dataset.mjs';
import { loadFluxoLibs } from './lib/build.mjs';
import { RUNS_DIR, ROOT } from './lib/paths.mjs';
import { copyFile } from 'node:fs/promises';

const { values: args } = parseArgs({
  options: { rows: { type: 'string', default: '1000000' }, files: { type: 'string', default: '100' }, 'max-files': { type: 'string' } },
});
const libs = await loadFluxoLibs();
const config = libs.loadNormalizerConfig(process.env);
const maxFiles = Number(args['max-files'] ?? config.commitMaxFiles);
const data = await ensureRawDataset({ rows: Number(args.rows), files: Number(args.files), log: console.log });
const dir = join(RUNS_DIR, `profile-${process.pid}`);
await rm(dir, { recursive: true, force: true });
const lakeDir = join(dir, 'lake');
for (const file of data.files) {
  await mkdir(dirname(join(lakeDir, file.uri)), { recursive: true });
  await copyFile(file.path, join(lakeDir, file.uri));
}
const catalogPath = join(dir, 'catalog', 'fluxo.sqlite');
const lake = await libs.Lake.open(lakeDir);
const engine = await libs.ParquetEngine.open({
  logger: libs.silentLogger,
  threads: config.engineThreads,
  memoryLimitMb: config.engineMemoryLimitMb,
  extensions: libs.LAKEHOUSE_EXTENSIONS,
  extensionDirectory: join(ROOT, '.fluxo', 'duckdb-extensions'),
});
/** @type {Map<string, { n: number, ms: number, peakGrowthMb: number }>} */
const statements = new Map();
profileStatements(engine, statements);
const lakehouse = await libs.Lakehouse.attach({ engine, catalog: { kind: 'sqlite', path: catalogPath }, dataPath: `${lake.root}/curated`, logger: libs.silentLogger });
// Settings to try, e.g. PROFILE_SQL="SET preserve_insertion_order = false"
if (process.env['PROFILE_SQL']) await engine.run(process.env['PROFILE_SQL']);
await engine.restrictFileAccess({ allowedDirectories: [lake.root, dirname(catalogPath)] });
const progress = new libs.ConsumerProgress(lakehouse);
await progress.ensure();
const consumed = new libs.ConsumedRawFiles(lakehouse);
await consumed.ensure();
const catalog = await libs.loadDefinitionCatalog();
/** @type {string[]} */
const deadLetters = [];
let announced = 0;
const ports = { announce: async () => void (announced += 1), deadLetter: async (/** @type {any} */ e) => void deadLetters.push(e.reason) };
const producer = { app: 'bench-profile', instance: `bench:${process.pid}`, version: '0' };
/** @type {any[]} */
const commits = [];
/** @type {string[]} */
const failures = [];
const logger = {
  ...libs.silentLogger,
  info: (/** @type {any} */ fields, /** @type {string} */ msg) => void (msg === 'committed curated batch' && commits.push(fields)),
  error: (/** @type {any} */ fields, /** @type {string} */ msg) => void failures.push(`${msg}: ${fields?.err ?? ''}`),
  child: () => logger,
};
const handler = new libs.BatchHandler({
  engine,
  lake,
  lakehouse,
  progress,
  consumed,
  definitions: { catalog },
  announcer: new libs.CuratedAnnouncer({ engine, lake, lakehouse, announcer: ports, producer, logger: libs.silentLogger }),
  deadLetters: new libs.DeadLetters(lake, ports, libs.silentLogger),
  group: 'profile',
  limits: { maxRows: config.commitMaxRows, maxBytes: config.commitMaxBytes, maxAgeMs: config.commitMaxAgeMs },
  maxAttempts: config.maxAttempts,
  logger,
});
const messages = data.files.map((file, offset) => {
  const reference = {
    schemaVersion: 1,
    eventId: crypto.randomUUID(),
    kind: 'raw',
    source: SOURCE,
    dataset: DATASET,
    uri: file.uri,
    sha256: file.sha256,
    bytes: file.bytes,
    rows: file.rows,
    schemaFingerprint: file.schemaFingerprint,
    minEventTime: file.minEventTime,
    maxEventTime: file.maxEventTime,
    producer,
    producedAt: new Date().toISOString(),
  };
  return { topic: 'raw', partition: 0, offset: String(offset), key: DATASET, value: libs.serializeFileReference(reference), headers: {}, timestampMs: Date.now() };
});
const rssMb = (/** @type {string} */ field) => Math.round(Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024);
const idleRssMb = rssMb('VmRSS');
const started = performance.now();
const cpuBefore = process.cpuUsage();
for (let i = 0; i < messages.length; i += maxFiles) await handler.handle(messages.slice(i, i + maxFiles));
const ms = performance.now() - started;
if (failures.length > 0 || deadLetters.length > 0) throw new Error(`the commit path failed: ${[...failures, ...deadLetters].slice(0, 5).join('; ')}`);
const cpu = process.cpuUsage(cpuBefore);
const [row] = await engine.all(`SELECT count(*)::BIGINT AS n FROM ${lakehouse.table(DATASET)}`);
const peakMb = rssMb('VmHWM');
console.log(
  JSON.stringify({
    rows: Number(row?.n),
    expected: data.rows,
    seconds: Math.round(ms) / 1000,
    cpu_seconds: Math.round((cpu.user + cpu.system) / 1000) / 1000,
    load: (await import('node:os')).loadavg().map((l) => Math.round(l * 100) / 100),
    rows_per_s: Math.round(data.rows / (ms / 1000)),
    peak_rss_mb: peakMb,
    rss_before_mb: idleRssMb,
    commits: commits.length,
    announced,
    deadLetters,
    limits: { maxFiles, maxRows: config.commitMaxRows, maxBytes: config.commitMaxBytes, maxAgeMs: config.commitMaxAgeMs, memoryLimitMb: config.engineMemoryLimitMb, threads: config.engineThreads },
  }),
);
for (const c of commits) console.log(`commit: ${JSON.stringify(c)}`);
for (const [sql, { n, ms: total, peakGrowthMb }] of [...statements].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15)) console.log(`${String(Math.round(total)).padStart(7)} ms ${String(n).padStart(4)}× +${String(peakGrowthMb).padStart(4)} MB peak  ${sql}`);
await lakehouse.close();
await engine.close();
await rm(dir, { recursive: true, force: true });

function hwm() {
  return Math.round(Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024);
}

/** Wraps `run`, `all` and transaction sessions to sum the time of each statement shape. @param {any} target @param {Map<string, { n: number, ms: number, peakGrowthMb: number }>} sink */
function profileStatements(target, sink) {
  /** @param {string} sql @param {number} started */
  const record = (sql, started, hwmBefore = hwm()) => {
    const key = sql.replace(/staged_file_\d+/g, 'staged_file_N').replace(/\s+/g, ' ').replace(/'(?:[^']|'')*'/g, "'…'").replace(/\b\d+\b/g, 'N').slice(0, 110);
    const entry = sink.get(key) ?? { n: 0, ms: 0, peakGrowthMb: 0 };
    entry.n += 1;
    entry.ms += performance.now() - started;
    entry.peakGrowthMb += hwm() - hwmBefore;
    sink.set(key, entry);
  };
  /** @param {any} session */
  const wrap = (session) => {
    for (const method of ['run', 'all']) {
      const original = session[method].bind(session);
      session[method] = async (/** @type {string} */ sql) => {
        const started = performance.now();
        const before = hwm();
        try {
          return await original(sql);
        } finally {
          record(sql, started, before);
        }
      };
    }
    return session;
  };
  wrap(target);
  const transaction = target.transaction.bind(target);
  target.transaction = (/** @type {string} */ label, /** @type {any} */ body, /** @type {any} */ options) => {
    const started = performance.now();
    return transaction(label, (/** @type {any} */ tx) => body(wrap(tx)), options).finally(() => record(`TRANSACTION ${label.split(' ')[0]} (whole)`, started));
  };
}
