import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILTIN_DEFINITIONS, compileMapping, createRecordExtractor, DefinitionCatalog, silentLogger } from '@fluxo/schema';
import { testS3LakeStorage } from '@fluxo/schema/testing';
import { ParquetEngine, S3Lake, writeRawObject } from '@fluxo/parquet-io';
import { LAKEHOUSE_EXTENSIONS, Lakehouse, maintain } from '@fluxo/lakehouse';
import { testExtensionDirectory } from '@fluxo/lakehouse/testing';
import { connectSparkSession, type SparkSession } from '@fluxo/spark-connect';
import { testSparkRemote } from '@fluxo/spark-connect/testing';
import { DUCKDB_CURATE_ENGINE } from './curate-engine';
import { SPARK_CURATE_SESSION_CONFIG, SparkCurateEngine } from './spark-curate-engine';
import { s3aUri, s3SparkStaging, s3StagingGroupDir, sparkS3SessionConfig } from './spark-staging';

/**
 * Issue 12, the last part: the Spark engine on a lake on S3 — the run's real Spark Connect server
 * (FLUXO_TEST_SPARK_REMOTE, started with the S3A jars) and the real Versity S3 Gateway
 * (FLUXO_TEST_S3_*). Spark reads the raw object as `s3a://…` with the session's per-bucket S3A
 * settings, stages Parquet objects under the curated DATA_PATH, the normalizer's DuckDB lists and
 * reads them through httpfs inside its sandbox, and the lake's maintenance sweeps them.
 */
const USGS_POLL = join(__dirname, '../../../../tools/replay-api/fixtures/usgs/sudo-ivan-2025-05-04/all_day_20250504T135257Z.geojson');
const catalog = DefinitionCatalog.build(BUILTIN_DEFINITIONS);

describe('issue 12: the Spark engine on a lake on S3 (real Spark Connect and S3 servers)', () => {
  const storage = testS3LakeStorage('curation-spark');
  let dir: string;
  let engine: ParquetEngine;
  let lake: S3Lake;
  let lakehouse: Lakehouse;
  let spark: SparkSession;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fluxo-spark-s3-'));
    engine = await ParquetEngine.open({ logger: silentLogger, threads: 1, memoryLimitMb: 256, extensions: [...LAKEHOUSE_EXTENSIONS, 'httpfs'], extensionDirectory: testExtensionDirectory() });
    lake = await S3Lake.open(engine, storage);
    lakehouse = await Lakehouse.attach({ engine, catalog: { kind: 'sqlite', path: join(dir, 'catalog.sqlite') }, dataPath: lake.curatedDataPath, logger: silentLogger });
    // as the normalizer: DuckDB may touch the local catalog folder and the lake's root only
    await engine.restrictFileAccess({ allowedDirectories: [dir, lake.sandboxPrefix] });
    spark = await connectSparkSession({ remote: testSparkRemote(), logger: silentLogger, config: { ...SPARK_CURATE_SESSION_CONFIG, ...sparkS3SessionConfig(storage) } });
  }, 300_000);
  afterAll(async () => {
    await spark?.close();
    await engine?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const staged = () => engine.all<{ file: string }>(`SELECT file FROM glob('${s3StagingGroupDir(storage.root, 'g')}/**')`);

  it('curates a raw object into the same rows as the DuckDB engine, and the lake maintenance sweeps what Spark staged', async () => {
    const extract = createRecordExtractor(catalog.pollSource('usgs-earthquakes'));
    const rows = extract(JSON.parse(await readFile(USGS_POLL, 'utf8'))).records.map((r) => ({ key: r.key, version: r.version, eventTime: r.eventTime, record: r.record, context: r.context }));
    const written = await writeRawObject(engine, lake, { source: 'usgs-earthquakes', stem: 'poll', fetchedAt: new Date('2025-05-04T13:52:57Z'), rows });
    await written.commit();
    expect(written.path).toMatch(new RegExp(`^${storage.root}/raw/`));
    const source = catalog.source('usgs-earthquakes');
    const lineage = { source: 'usgs-earthquakes', rawUri: written.uri, topic: 'fluxo.raw-files', partition: 0, offset: '7' };
    // the DuckDB mapping: the Spark engine compiles its own from the definitions
    const input = { rawPath: written.path, mapping: compileMapping(source, catalog.dataset(source.dataset), 'duckdb'), lineage };

    const sparkEngine = await SparkCurateEngine.open({ spark, definitions: { catalog }, staging: s3SparkStaging(engine, storage.root, 'g'), logger: silentLogger });
    const bySpark = await sparkEngine.curatedRows(input);
    const byDuckdb = await DUCKDB_CURATE_ENGINE.curatedRows(input);
    // Spark's objects are under the curated DATA_PATH, read as s3:// through httpfs
    expect(bySpark.sql).toContain(`'${s3StagingGroupDir(storage.root, 'g')}/fluxo.raw-files-p0-o7-`);
    expect((await staged()).map((row) => row.file)).toEqual([expect.stringMatching(/\/part-00000-[^/]*\.zstd\.parquet$/)]);

    const [counts] = await engine.all<{ spark: number; duckdb: number; differing: number }>(
      `WITH s AS (${bySpark.sql}), d AS (${byDuckdb.sql}) SELECT (SELECT count(*) FROM s)::INTEGER AS spark, (SELECT count(*) FROM d)::INTEGER AS duckdb, ` +
        `(SELECT count(*) FROM ((SELECT * FROM s EXCEPT ALL SELECT * FROM d) UNION ALL (SELECT * FROM d EXCEPT ALL SELECT * FROM s)))::INTEGER AS differing`,
    );
    expect(counts).toEqual({ spark: rows.length, duckdb: rows.length, differing: 0 });
    await bySpark.release();
    await byDuckdb.release();

    // nothing references the staged object: the maintenance round's orphan deletion removes it
    await maintain(lakehouse, [], { targetFileBytes: 64 << 20, snapshotRetentionMs: 0, fileDeletionGraceMs: 0 }, silentLogger);
    expect(await staged()).toEqual([]);
  });

  it('maps s3:// to s3a:// and back nowhere else; the session settings are scoped to the lake bucket', () => {
    expect(s3aUri(`${storage.root}/raw/x.parquet`)).toBe(`s3a://${storage.root.slice('s3://'.length)}/raw/x.parquet`);
    expect(() => s3aUri('/tmp/x')).toThrow('not an s3:// URI');
    const settings = sparkS3SessionConfig(storage);
    expect(Object.keys(settings).every((key) => key.startsWith(`fs.s3a.bucket.${storage.bucket}.`))).toBe(true);
    expect(settings).toMatchObject({ [`fs.s3a.bucket.${storage.bucket}.path.style.access`]: 'true', [`fs.s3a.bucket.${storage.bucket}.connection.ssl.enabled`]: 'false' });
  });
});

