// @ts-check
/**
 * The history workload's simulator: one process per segment of simulated time. It drives the
 * normalizer's own commit path in-process — BatchHandler, CuratedAnnouncer, DeadLetters,
 * ConsumerProgress, ConsumedRawFiles on a real DuckDB + DuckLake catalog (SQLite) and lake, composed
 * as apps/normalizer/src/main.ts composes them (file access sandboxed the same way) — with Kafka
 * replaced by recording ports (as libs/curation/src/testing/batch-harness.ts does), and runs the
 * normalizer's maintenance round (libs/lakehouse `maintain()` + `RawRetention.sweep`) on the
 * simulated schedule.
 *
 * Every poll and batch of the default cadence (bench/data/history-model.mjs) becomes one raw file
 * written with fluxo's writeRawFile and one `handle([reference])` call — one commit, exactly as a
 * live normalizer commits a reference that arrives alone. The reference each commit consumed is
 * appended to `refsPath` with its partition and offset, so the driver can put the same records on
 * Kafka and hand the catalog to the real normalizer with consistent offsets.
 *
 * Simulated time runs much faster than the wall clock, while DuckLake stamps snapshots with the
 * wall clock and maintenance compares against `now()`. So each round's snapshot retention and file
 * deletion grace (the normalizer's defaults, 1 h and 10 min of simulated time) are translated into
 * the wall-clock span since the simulation reached `simulated now − retention` (a clock map kept in
 * `statePath`); raw retention gets the simulated date. Compaction's target file size is
 * `targetFileMb` (the driver scales the normalizer's 64 MB default by the recentchange row scale, so
 * files per partition after compaction match what full-size rows would give).
 *
 *   node bench/workloads/history-sim.mjs '<json options>'   → JSON lines: { day }, { summary }
 */
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadFluxoLibs } from '../lib/build.mjs';
import { DAY_MS, HOUR_MS, SOURCES, firingAt, firstFiringFrom, historyModel } from '../data/history-model.mjs';
import { percentile, round } from '../lib/stats.mjs';

/**
 * @typedef {object} SimOptions
 * @property {string} lakeDir
 * @property {string} catalogPath
 * @property {string} extensionDir
 * @property {number} startMs           absolute ms of simulated time 0 (a UTC midnight)
 * @property {number} toDay             simulate up to this many days since the start
 * @property {number} cadenceScale      1 = the default cadence; quick stretches every interval by this factor
 * @property {number} recentchangeRate  events/s of recentchange (rows scale; batches are never scaled)
 * @property {number} targetFileMb      compaction target (the normalizer's FLUXO_COMPACT_TARGET_FILE_MB)
 * @property {string} topic
 * @property {string} group
 * @property {string} refsPath          ndjson of the references committed in this segment
 * @property {string} statePath         next index per schedule + the clock map, carried between segments
 * @property {boolean} pending          also write (not commit) the next USGS poll for the real normalizer
 */

/** @type {SimOptions} */
const options = JSON.parse(process.argv[2] ?? '{}');
const libs = await loadFluxoLibs();
const config = libs.loadNormalizerConfig({});
const catalog = await libs.loadDefinitionCatalog();
const lake = await libs.Lake.open(options.lakeDir);
const engine = await libs.ParquetEngine.open({
  logger: libs.silentLogger,
  threads: config.engineThreads,
  memoryLimitMb: config.engineMemoryLimitMb,
  extensions: libs.LAKEHOUSE_EXTENSIONS,
  extensionDirectory: options.extensionDir,
});
/** @type {Map<string, { n: number, ms: number }>} */
const statements = new Map();
profileStatements(engine, statements);
const lakehouse = await libs.Lakehouse.attach({ engine, catalog: { kind: 'sqlite', path: options.catalogPath }, dataPath: `${lake.root}/curated`, logger: libs.silentLogger });
// as main.ts: DuckDB may touch only the lake and the catalog's folder once the catalog is attached
await engine.restrictFileAccess({ allowedDirectories: [lake.root, dirname(options.catalogPath)] });
const progress = new libs.ConsumerProgress(lakehouse);
await progress.ensure();
const consumed = new libs.ConsumedRawFiles(lakehouse);
await consumed.ensure();
let announcedFiles = 0;
/** @type {{ reason: string, message: string }[]} */
const deadLetters = [];
const ports = { announce: async () => void (announcedFiles += 1), deadLetter: async (/** @type {any} */ e) => void deadLetters.push({ reason: e.reason, message: e.message }) };
const producer = { app: 'bench-history', instance: `bench:${process.pid}`, version: '0' };
const handler = new libs.BatchHandler({
  engine,
  lake,
  lakehouse,
  progress,
  consumed,
  definitions: { catalog },
  announcer: new libs.CuratedAnnouncer({ engine, lake, lakehouse, announcer: ports, producer, logger: libs.silentLogger }),
  deadLetters: new libs.DeadLetters(lake, ports, libs.silentLogger),
  group: options.group,
  limits: { maxRows: config.commitMaxRows, maxBytes: config.commitMaxBytes },
  maxAttempts: config.maxAttempts,
  logger: libs.silentLogger,
});
const tables = libs.curatedTableSpecs(catalog);
const rawRetention = new libs.RawRetention(
  // nothing is pending: the simulation commits every raw file it writes before the next maintenance round
  { zone: new libs.LocalRawZone(lake, libs.silentLogger), consumed, pending: async () => 0, logger: libs.silentLogger },
  { retentionDays: config.rawRetentionDays, unconsumedGraceDays: config.rawUnconsumedGraceDays, groups: [options.group] },
);
const model = historyModel({ startMs: options.startMs, days: options.toDay, recentchangeRate: options.recentchangeRate, cadenceScale: options.cadenceScale, libs });

/** @type {{ next: Record<'usgs' | 'meteo' | 'batch' | 'maintenance', number>, clock: [number, number][], cleanedDays?: number, firstWall?: number }} */
const state = existsSync(options.statePath)
  ? JSON.parse(await readFile(options.statePath, 'utf8'))
  : { next: { usgs: 0, meteo: 0, batch: 0, maintenance: 0 }, clock: [] };
/** @type {Record<number, number>} next offset per raw-files partition: what the catalog says was committed */
const offsets = {};
for (const { partition } of Object.values(SOURCES)) offsets[partition] = Number((await progress.read(options.group, options.topic, partition))?.nextOffset ?? 0);

state.firstWall ??= Date.now();
const endSim = options.toDay * DAY_MS;
const startedWall = Date.now();
const fromSim = Math.min(...(/** @type {const} */ (['usgs', 'meteo', 'batch', 'maintenance'])).map((k) => firingAt(k, state.next[k], options.cadenceScale)));
state.clock.push([fromSim, Date.now()]);
/** @type {{ kind: string, writeMs: number, handleMs: number }[]} */
let dayCommits = [];
/** @type {number[]} */
let dayMaintenance = [];
/** @type {Map<string, { n: number, ms: number }>} */
let dayStatements = new Map();
let nextHourlyAt = (Math.floor(fromSim / HOUR_MS) + 1) * HOUR_MS;
let hourStart = 0;
let day = Math.floor(fromSim / DAY_MS);
const totals = { commits: 0, rows: 0, maintenanceRounds: 0, writeMs: 0, handleMs: 0, maintenanceMs: 0 };
/** @type {any[]} */
const days = [];

for (;;) {
  const kinds = /** @type {const} */ (['maintenance', 'usgs', 'meteo', 'batch']);
  /** @type {'maintenance' | 'usgs' | 'meteo' | 'batch'} */
  let kind = kinds[0];
  let at = Infinity;
  for (const k of kinds) {
    const t = firingAt(k, state.next[k], options.cadenceScale);
    if (t < at) [kind, at] = [k, t];
  }
  while (at >= (day + 1) * DAY_MS) closeDay();
  if (at >= nextHourlyAt) {
    await hourly();
    nextHourlyAt = (Math.floor(at / HOUR_MS) + 1) * HOUR_MS;
  }
  if (at >= endSim) break;
  if (kind === 'maintenance') await maintenanceRound(at);
  else await commit(kind, state.next[kind]);
  state.next[kind] += 1;
}

/** @type {any} */
let pending = null;
if (options.pending) {
  const { message } = await writeRaw('usgs', state.next.usgs);
  state.next.usgs += 1;
  pending = { partition: message.partition, offset: message.offset, key: message.key, value: message.value.toString('utf8') };
}
state.clock = state.clock.filter(([sim]) => sim >= endSim - 2 * HOUR_MS);
await writeFile(options.statePath, JSON.stringify(state));
await lakehouse.close();
await engine.close();
console.log(
  JSON.stringify({
    summary: {
      ...totals,
      wallMs: Date.now() - startedWall,
      announcedFiles,
      deadLetters,
      offsets,
      pending,
      days,
      statements: [...statements.entries()]
        .sort((a, b) => b[1].ms - a[1].ms)
        .slice(0, 25)
        .map(([sql, s]) => ({ sql, n: s.n, ms: Math.round(s.ms), msPerCall: round(s.ms / s.n, 2) })),
    },
  }),
);

/** @param {'usgs' | 'meteo' | 'batch'} kind @param {number} index */
async function writeRaw(kind, index) {
  const { source, dataset, partition } = SOURCES[kind];
  const { fetchedAt, rows } = model.rows(kind, index);
  const stem = kind === 'batch' ? `batch-${libs.rawFileStem(fetchedAt, rows)}` : libs.rawFileStem(fetchedAt, rows);
  const written = await libs.writeRawFile(engine, lake, { source, stem, fetchedAt, rows });
  await written.commit();
  const value = libs.serializeFileReference(libs.rawFileReference(written, { source, dataset, producer }));
  const offset = offsets[partition] ?? 0;
  offsets[partition] = offset + 1;
  return { rows: rows.length, message: { topic: options.topic, partition, offset: String(offset), key: dataset, value } };
}

/** @param {'usgs' | 'meteo' | 'batch'} kind @param {number} index */
async function commit(kind, index) {
  const started = performance.now();
  const { rows, message } = await writeRaw(kind, index);
  const written = performance.now();
  const outcome = await handler.handle([message]);
  const handleMs = performance.now() - written;
  if (outcome.commits !== 1 || outcome.deadLettered > 0) throw new Error(`${kind} #${index}: expected one commit, got ${JSON.stringify(outcome)}; dead letters: ${JSON.stringify(deadLetters.slice(-3))}`);
  await appendFile(options.refsPath, `${JSON.stringify({ partition: message.partition, offset: message.offset, key: message.key, value: message.value.toString('utf8') })}\n`);
  dayCommits.push({ kind, writeMs: written - started, handleMs });
  totals.commits += 1;
  totals.rows += rows;
  totals.writeMs += written - started;
  totals.handleMs += handleMs;
}

/**
 * One round of the normalizer's maintenance (main.ts: maintain() then the raw retention sweep) at
 * simulated `at`.
 *
 * File deletion: on an SQLite catalog `maintain()` deletes scheduled files only up to the end of
 * the previous UTC day of `now() − grace` (libs/lakehouse maintenance.ts `cleanupCutoff`, a
 * workaround for DuckLake comparing timestamps as text), so a real normalizer deletes the files a
 * day of compaction replaced once that day is over and the grace has passed. The wall clock of a
 * simulation stays inside one real day, so the simulation replays that rule in simulated time: the
 * first round at or after simulated midnight + grace deletes every scheduled file (grace 0 →
 * `cleanup_all`, orphans too); every other round keeps them all (a grace reaching back before the
 * run). Files scheduled in the last grace period before that round go a day early (10 min of 24 h).
 * @param {number} at
 */
async function maintenanceRound(at) {
  state.clock.push([at, Date.now()]);
  const graceMs = config.fileDeletionGraceMs;
  // simulated days whose scheduled files may go: those that ended at least a grace period ago
  const daysOver = Math.floor((at - graceMs) / DAY_MS);
  const cleanup = daysOver > (state.cleanedDays ?? 0);
  if (cleanup) state.cleanedDays = daysOver;
  const policy = {
    targetFileBytes: options.targetFileMb * 1024 * 1024,
    snapshotRetentionMs: wallSpanSince(at - config.snapshotRetentionMs),
    fileDeletionGraceMs: cleanup ? 0 : Date.now() - (state.firstWall ?? Date.now()) + 2 * DAY_MS,
  };
  const started = performance.now();
  await libs.maintain(lakehouse, tables, policy, libs.silentLogger);
  await rawRetention.sweep(new Date(options.startMs + at));
  const ms = performance.now() - started;
  dayMaintenance.push(ms);
  totals.maintenanceRounds += 1;
  totals.maintenanceMs += ms;
}

/**
 * Wall-clock ms since the simulation passed simulated time `sim` (the whole run when it never did,
 * so that nothing counts as old enough).
 * @param {number} sim
 */
function wallSpanSince(sim) {
  let wall = null;
  for (const [s, w] of state.clock) if (s <= sim) wall = w;
  const first = state.clock[0]?.[1] ?? Date.now();
  return Math.max(0, Date.now() - (wall ?? first - 1));
}

/**
 * A short line per simulated hour: commits so far, handler p50 of the hour's commits, RSS and what
 * DuckDB says it holds (duckdb_memory(): buffer-managed memory by tag) — to tell apart memory the
 * engine accounts for from memory it does not.
 */
async function hourly() {
  const recent = dayCommits.slice(hourStart).map((c) => c.handleMs).sort((a, b) => a - b);
  hourStart = dayCommits.length;
  const tags = await engine.all(`SELECT tag, memory_usage_bytes::BIGINT AS bytes FROM duckdb_memory() WHERE memory_usage_bytes > 0 ORDER BY 2 DESC`);
  const duckdbMb = Object.fromEntries(tags.map((/** @type {any} */ t) => [t.tag, round(Number(t.bytes) / 2 ** 20, 1)]));
  const memory = process.memoryUsage();
  console.log(
    JSON.stringify({
      hour: { at: round(nextHourlyAt / HOUR_MS, 0), commits: totals.commits, commit_p50_ms: round(percentile(recent, 50) ?? 0, 1), rss_mb: Math.round(memory.rss / 2 ** 20), js_heap_mb: Math.round(memory.heapUsed / 2 ** 20), duckdb_mb: duckdbMb },
    }),
  );
}

function closeDay() {
  if (dayCommits.length > 0 || dayMaintenance.length > 0) {
    /** @param {number[]} values */
    const stats = (values) => {
      const sorted = [...values].sort((a, b) => a - b);
      return { p50: round(percentile(sorted, 50) ?? 0, 1), p95: round(percentile(sorted, 95) ?? 0, 1), max: round(sorted.at(-1) ?? 0, 1) };
    };
    /** @type {Record<string, any>} */
    const handle = {};
    for (const kind of ['usgs', 'meteo', 'batch']) handle[kind] = stats(dayCommits.filter((c) => c.kind === kind).map((c) => c.handleMs));
    const line = {
      day: day + 1,
      commits: dayCommits.length,
      commit_ms: stats(dayCommits.map((c) => c.handleMs)),
      commit_ms_by_source: handle,
      raw_write_ms: stats(dayCommits.map((c) => c.writeMs)),
      maintenance_rounds: dayMaintenance.length,
      maintenance_ms: stats(dayMaintenance),
      wall_s: round((Date.now() - startedWall) / 1000, 1),
      rss_mb: Math.round(process.memoryUsage().rss / 2 ** 20),
      top_statements: topStatementsSince(dayStatements),
    };
    dayStatements = new Map([...statements.entries()].map(([k, v]) => [k, { ...v }]));
    days.push(line);
    console.log(JSON.stringify({ progress: line }));
  }
  dayCommits = [];
  dayMaintenance = [];
  hourStart = 0;
  day += 1;
}

/**
 * The statements that took the most time since `before` (a copy of the profile), ms per call.
 * @param {Map<string, { n: number, ms: number }>} before
 */
function topStatementsSince(before) {
  return [...statements.entries()]
    .map(([sql, now]) => ({ sql, n: now.n - (before.get(sql)?.n ?? 0), ms: now.ms - (before.get(sql)?.ms ?? 0) }))
    .filter((s) => s.n > 0)
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 5)
    .map((s) => ({ sql: s.sql.slice(0, 60), n: s.n, msPerCall: round(s.ms / s.n, 1) }));
}

/**
 * Sums time per statement shape (literals and numbers masked) on the engine, transactions included:
 * where a commit and a maintenance round spend their time.
 * @param {any} target @param {Map<string, { n: number, ms: number }>} sink
 */
function profileStatements(target, sink) {
  /** @param {string} sql @param {number} started */
  const record = (sql, started) => {
    const key = sql.replace(/\s+/g, ' ').replace(/'(?:[^']|'')*'/g, "'…'").replace(/\b\d+\b/g, 'N').slice(0, 120);
    const entry = sink.get(key) ?? { n: 0, ms: 0 };
    entry.n += 1;
    entry.ms += performance.now() - started;
    sink.set(key, entry);
  };
  /** @param {any} session */
  const wrap = (session) => ({
    run: async (/** @type {string} */ sql) => {
      const started = performance.now();
      try {
        return await session.run(sql);
      } finally {
        record(sql, started);
      }
    },
    all: async (/** @type {string} */ sql) => {
      const started = performance.now();
      try {
        return await session.all(sql);
      } finally {
        record(sql, started);
      }
    },
  });
  const direct = wrap({ run: target.run.bind(target), all: target.all.bind(target) });
  target.run = direct.run;
  target.all = direct.all;
  const transaction = target.transaction.bind(target);
  target.transaction = (/** @type {string} */ label, /** @type {(tx: any) => Promise<any>} */ body, /** @type {any} */ options) => transaction(label, (/** @type {any} */ tx) => body(wrap(tx)), options);
}
