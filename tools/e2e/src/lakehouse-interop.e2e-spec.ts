import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { BUILTIN_DEFINITIONS, compileMapping, DefinitionCatalog, LINEAGE_SQL_TYPES, silentLogger } from '@fluxo/schema';
import { ParquetEngine } from '@fluxo/parquet-io';
import { readWithDuckDBAsSpark, SparkReader } from '@fluxo/parquet-io/testing';
import { LAKEHOUSE_EXTENSIONS, Lakehouse, maintain, type TableSpec } from '@fluxo/lakehouse';
import { testExtensionDirectory } from '@fluxo/lakehouse/testing';
import { eventually, PipelineHarness } from '@fluxo/e2e-harness';
import { SIX_POLLS_EXPECTED, allDayServed } from './support/six-polls';

const catalog = DefinitionCatalog.build(BUILTIN_DEFINITIONS);
const dataset = catalog.dataset('earthquakes');
const COLUMNS = [...compileMapping(catalog.pollSource('usgs-earthquakes'), dataset).columns.map((c) => c.name), ...LINEAGE_SQL_TYPES.map((c) => c.name)];
const ORDERED = `SELECT ${COLUMNS.join(', ')} FROM t ORDER BY _record_key, _record_version`;

/**
 * The acceptance criterion of the table format: DuckDB (through the catalog) and Spark (reading
 * exactly the files the catalog lists for the current snapshot) agree row for row on the curated
 * table the pipeline wrote — and again after a compaction rewrote its files.
 */
describe('curated tables read by DuckDB and Spark alike', () => {
  let pipeline: PipelineHarness;
  let spark: SparkReader;

  beforeAll(async () => {
    [pipeline, spark] = await Promise.all([PipelineHarness.create('interop'), SparkReader.open()]);
    // One commit per raw file whatever the machine's speed (a slow normalizer would otherwise drain the six
    // polls in one commit: one file per day partition and nothing for the compaction below to merge).
    const normalizer = await pipeline.startNormalizer({ FLUXO_MAINTENANCE_INTERVAL_MS: '0', FLUXO_COMMIT_MAX_FILES: '1' });
    await pipeline.startIngest('usgs-earthquakes?feed=all_day&intervalMs=300');
    await eventually(
      async () => ({ served: allDayServed(pipeline.replay), curated: await pipeline.curatedEarthquakes() }),
      ({ served, curated }) => served >= 6 && curated.rows >= SIX_POLLS_EXPECTED.rows,
      'the six recorded polls are curated',
    );
    await normalizer.stop();
  });
  afterAll(async () => {
    await spark?.close();
    await pipeline?.close();
  });

  async function agree(): Promise<{ files: number }> {
    const tables = await pipeline.tables();
    if (tables === null) throw new Error('no catalog');
    const files = await tables.dataFiles('earthquakes');
    const fromSpark = await spark.read(
      files.map((f) => f.path),
      { deleteFiles: files.flatMap((f) => (f.deleteFile === null ? [] : [f.deleteFile])), dropColumnPrefixes: ['_ducklake_internal_'], queries: { rows: ORDERED } },
    );
    const fromDuckDB = await readWithDuckDBAsSpark(pipeline.engine, ORDERED.replace('FROM t', `FROM ${tables.table('earthquakes')}`));
    expect(fromDuckDB.rows).toHaveLength(SIX_POLLS_EXPECTED.rows);
    expect(fromSpark.queries.rows.rows).toEqual(fromDuckDB.rows);
    expect(fromSpark.queries.rows.schema).toEqual(fromDuckDB.schema);
    return { files: files.length };
  }

  it('agree on the current snapshot as the normalizer committed it', async () => {
    expect((await agree()).files).toBeGreaterThan(1);
  });

  it('agree after a compaction, which leaves fewer files and deletes the merged-away ones', async () => {
    const tables = await pipeline.tables();
    const before = (await tables?.dataFiles('earthquakes')) ?? [];
    const engine = await ParquetEngine.open({ logger: silentLogger, threads: 1, memoryLimitMb: 256, extensions: LAKEHOUSE_EXTENSIONS, extensionDirectory: testExtensionDirectory() });
    try {
      const writer = await Lakehouse.attach({ engine, catalog: { kind: 'sqlite', path: pipeline.catalogPath }, dataPath: join(pipeline.lakeDir, 'curated'), logger: silentLogger });
      const spec: TableSpec = {
        name: 'earthquakes',
        columns: [],
        eventTimeColumn: dataset.partitionBy,
        identity: { key: '_record_key', version: '_record_version' },
        latest: { entityKey: dataset.entityKey, versionColumn: dataset.versionColumn },
      };
      const report = await maintain(writer, [spec], { targetFileBytes: 64 << 20, snapshotRetentionMs: 0, fileDeletionGraceMs: 0 }, silentLogger);
      expect(report.filesAfter).toBeLessThan(report.filesBefore);
      await writer.close();
    } finally {
      await engine.close();
    }
    const { files } = await agree();
    expect(files).toBeLessThan(before.length);
    expect(before.filter((f) => existsSync(f.path)).length).toBeLessThan(before.length); // merged-away files are gone
  });
});
