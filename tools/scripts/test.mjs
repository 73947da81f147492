// @ts-check
/**
 * `npm test`: every test of the repository, in two phases.
 *  1. static and unit: lint, typecheck, unit tests and builds of every project (no broker);
 *  2. services: integration and end-to-end tests against ONE real Kafka broker (ports 39092/39093,
 *     FLUXO_TEST_KAFKA_BROKERS), ONE Kafka 3.9 in ZooKeeper mode (ports 39192/39181,
 *     FLUXO_TEST_KAFKA_ZK_BROKERS), ONE real PostgreSQL for DuckLake's catalog (port 39432,
 *     FLUXO_TEST_POSTGRES, a libpq connection string) and ONE Spark Connect server (port 39502,
 *     FLUXO_TEST_SPARK_REMOTE, an sc:// address with its token) and ONE S3-compatible server (Versity
 *     S3 Gateway, port 39700, bucket `fluxo-test`: FLUXO_TEST_S3_ENDPOINT, FLUXO_TEST_S3_REGION,
 *     FLUXO_TEST_S3_ACCESS_KEY_ID, FLUXO_TEST_S3_SECRET_ACCESS_KEY, FLUXO_TEST_S3_BUCKET), all started here for the whole run
 *     on fresh data dirs and stopped at the end whatever happens. FLUXO_TEST_PORT_OFFSET (default 0)
 *     shifts every port, so several checkouts on one machine can run their suites at the same time.
 * Prerequisites are installed on first use (Kafka jars via Maven, pyarrow in a venv, DuckDB's
 * extensions, the S3 gateway built with Go) or named with the fix. Extra arguments go to nx, e.g. `npm test -- --projects=normalizer`.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDuckDBExtensions } from '../duckdb-extensions/extensions.mjs';
import { installKafka, startBroker } from '../local-kafka/broker.mjs';
import { startPostgres } from '../local-postgres/postgres.mjs';
import { createBucket, installS3, startS3 } from '../local-s3/server.mjs';
import { launchSpark } from '../local-spark/server.mjs';
import { ensurePython } from './ensure-python.mjs';

const root = join(import.meta.dirname, '..', '..');
const reports = join(root, 'test-artifacts', 'jest');
const extra = process.argv.slice(2);
/** The bucket the S3 tests share; each test works under a prefix of its own. */
const TEST_BUCKET = 'fluxo-test';

/** @param {string[]} args @param {NodeJS.ProcessEnv} env */
function nx(args, env) {
  return new Promise((resolve) => {
    const child = spawn('npx', ['nx', 'run-many', ...args, '--outputStyle=stream', ...extra], { cwd: root, env, stdio: 'inherit' });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

async function summary() {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const name of await readdir(reports).catch(() => [])) {
    const report = JSON.parse(await readFile(join(reports, name), 'utf8'));
    passed += report.numPassedTests;
    failed += report.numFailedTests + (report.numRuntimeErrorTestSuites ?? 0);
    skipped += report.numPendingTests + (report.numTodoTests ?? 0);
  }
  return { passed, failed, skipped };
}

/**
 * Starts the broker, then PostgreSQL, each on a fresh temporary data dir. `stop()` stops whatever
 * started and removes the data dirs; it is idempotent. A failed start stops what already runs.
 * @returns {Promise<{ env: Record<string, string>, stop: () => Promise<void> }>}
 */
async function startServices() {
  const offset = Number(process.env['FLUXO_TEST_PORT_OFFSET'] ?? 0);
  if (!Number.isInteger(offset) || offset < 0 || offset > 20_000) throw new Error(`FLUXO_TEST_PORT_OFFSET must be an integer from 0 to 20000, got ${process.env['FLUXO_TEST_PORT_OFFSET']}`);
  /** @type {(() => Promise<void>)[]} */
  const cleanups = [];
  /** @type {Promise<void> | undefined} */
  let stopping;
  const stop = () => {
    stopping ??= (async () => {
      for (const cleanup of cleanups.reverse()) {
        await cleanup().catch((error) => console.error(`[fluxo] cleanup failed: ${error instanceof Error ? error.message : String(error)}`));
      }
    })();
    return stopping;
  };
  try {
    // Spark boots slowest (15 s quiet, over a minute on a loaded machine): launch it first, await it last.
    const sparkDir = await mkdtemp(join(tmpdir(), 'fluxo-test-spark-'));
    cleanups.push(() => rm(sparkDir, { recursive: true, force: true }));
    const spark = await launchSpark({
      port: 39502 + offset,
      dataDir: sparkDir,
      graceMs: 10_000,
      // Small result streams, so the reattach tests see the server end a stream early (Spark's default is 1g).
      conf: { 'spark.connect.execute.reattachable.senderMaxStreamSize': '4m' },
    });
    cleanups.push(() => spark.stop());
    // Every server local-spark starts has the S3A jars (hadoop-aws + AWS SDK v2) on spark.jars: the Spark-on-S3 tests need them.
    if (!spark.jars.some((jar) => /\/hadoop-aws-[^/]+\.jar$/.test(jar))) throw new Error(`Spark was launched without hadoop-aws on spark.jars: ${spark.jars.join(', ')}`);

    const kafkaDir = await mkdtemp(join(tmpdir(), 'fluxo-test-kafka-'));
    cleanups.push(() => rm(kafkaDir, { recursive: true, force: true }));
    const broker = await startBroker({ port: 39092 + offset, controllerPort: 39093 + offset, dataDir: kafkaDir, graceMs: 10_000 });
    cleanups.push(() => broker.stop());
    console.log(`[fluxo] broker ready at ${broker.brokers.join(',')} after ${broker.readyAfterMs} ms`);

    const postgresDir = await mkdtemp(join(tmpdir(), 'fluxo-test-postgres-'));
    cleanups.push(() => rm(postgresDir, { recursive: true, force: true }));
    const postgres = await startPostgres({ port: 39432 + offset, dataDir: postgresDir, graceMs: 10_000 });
    cleanups.push(() => postgres.stop());
    console.log(`[fluxo] PostgreSQL ${postgres.version} ready at ${postgres.url} after ${postgres.readyAfterMs} ms`);

    const zookeeperDir = await mkdtemp(join(tmpdir(), 'fluxo-test-kafka-zk-'));
    cleanups.push(() => rm(zookeeperDir, { recursive: true, force: true }));
    const zookeeperBroker = await startBroker({ mode: 'zookeeper', port: 39192 + offset, zookeeperPort: 39181 + offset, dataDir: zookeeperDir, graceMs: 10_000 });
    cleanups.push(() => zookeeperBroker.stop());
    console.log(`[fluxo] Kafka 3.9 (ZooKeeper mode) ready at ${zookeeperBroker.brokers.join(',')} after ${zookeeperBroker.readyAfterMs} ms`);

    const s3Dir = await mkdtemp(join(tmpdir(), 'fluxo-test-s3-'));
    cleanups.push(() => rm(s3Dir, { recursive: true, force: true }));
    const s3 = await startS3({ port: 39700 + offset, dataDir: s3Dir });
    cleanups.push(() => s3.stop());
    await createBucket(s3, TEST_BUCKET);
    console.log(`[fluxo] S3 (Versity S3 Gateway) ready at ${s3.endpoint} after ${s3.readyAfterMs} ms`);

    const sparkReadyAfterMs = await spark.ready;
    console.log(`[fluxo] Spark Connect ready at sc://127.0.0.1:${spark.port} after ${sparkReadyAfterMs} ms`);

    return {
      env: {
        FLUXO_TEST_KAFKA_BROKERS: broker.brokers.join(','),
        FLUXO_TEST_KAFKA_ZK_BROKERS: zookeeperBroker.brokers.join(','),
        FLUXO_TEST_POSTGRES: postgres.connectionString,
        FLUXO_TEST_SPARK_REMOTE: spark.remote,
        FLUXO_TEST_S3_ENDPOINT: s3.endpoint,
        FLUXO_TEST_S3_REGION: s3.region,
        FLUXO_TEST_S3_ACCESS_KEY_ID: s3.accessKeyId,
        FLUXO_TEST_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
        FLUXO_TEST_S3_BUCKET: TEST_BUCKET,
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function main() {
  await rm(reports, { recursive: true, force: true });
  await mkdir(reports, { recursive: true });
  const env = { ...process.env, FLUXO_PYTHON: ensurePython(root), NX_DAEMON: 'false', FORCE_COLOR: '0' };
  await installKafka({ log: (message) => console.log(`[fluxo] ${message}`) });
  await installKafka({ mode: 'zookeeper', log: (message) => console.log(`[fluxo] ${message}`) });
  await ensureDuckDBExtensions({ root, log: (message) => console.log(`[fluxo] ${message}`) });
  await installS3({ log: (message) => console.log(`[fluxo] ${message}`) });

  console.log('[fluxo] phase 1: lint, typecheck, unit tests, build');
  let code = await nx(['-t', 'lint', 'typecheck', 'test', 'build'], env);
  if (code === 0) {
    console.log('[fluxo] phase 2: starting Kafka (KRaft and ZooKeeper mode), PostgreSQL, Spark Connect and S3 for integration and end-to-end tests');
    const services = await startServices();
    process.once('SIGINT', () => void services.stop().then(() => process.exit(130)));
    try {
      code = await nx(['-t', 'integration', 'e2e', '--parallel=1', '--skip-nx-cache'], { ...env, ...services.env });
    } finally {
      await services.stop();
    }
  }
  const { passed, failed, skipped } = await summary();
  console.log(`\ntests: ${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
  process.exit(code === 0 && failed === 0 ? 0 : 1);
}

main().catch((error) => {
  console.error(`[fluxo] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
