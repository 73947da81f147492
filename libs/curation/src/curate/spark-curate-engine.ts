import { randomUUID } from 'node:crypto';
import { compileMapping, curatedSelectForFile, SQL_DIALECTS, type CompiledMapping, type DefinitionCatalog, type Logger } from '@fluxo/schema';
import { sqlFilePath } from '@fluxo/parquet-io';
import type { CurateEngine, CuratedRows, CurateInput } from './curate-engine';
import { folderName, type SparkStaging } from './spark-staging';
import { NormalizerError } from '../errors';

export { SPARK_STAGING_DIR } from './spark-staging';

/**
 * Session settings the engine needs: UTC µs timestamps in Parquet (Spark writes INT96 otherwise),
 * zstd like the lake, and no `_SUCCESS` marker (the normalizer reads the files the job wrote; on
 * S3 the lake's orphan sweep deletes Parquet files only).
 */
export const SPARK_CURATE_SESSION_CONFIG: Readonly<Record<string, string>> = {
  'spark.sql.session.timeZone': 'UTC',
  'spark.sql.parquet.outputTimestampType': 'TIMESTAMP_MICROS',
  'spark.sql.parquet.compression.codec': 'zstd',
  'mapreduce.fileoutputcommitter.marksuccessfuljobs': 'false',
};

/** Staged folders untouched this long belong to jobs of a process that died: the sweep at start removes them. */
export const SPARK_STAGING_STALE_MS = 3_600_000;

export interface SparkCurateEngineDeps {
  /** A `SparkSession`, or the normalizer's `SparkLink` (which turns an outage into `ENGINE_UNAVAILABLE`). */
  readonly spark: { sql(query: string): Promise<{ readonly operationId: string }> };
  /** The definitions in force, read at each use (a `DefinitionWatcher` swaps them when the folder changes). */
  readonly definitions: { readonly catalog: DefinitionCatalog };
  /** Where jobs stage their Parquet: the local lake (`localSparkStaging`) or an S3 lake (`s3SparkStaging`). */
  readonly staging: SparkStaging;
  readonly logger: Logger;
}

/**
 * Spark through Spark Connect maps each raw file: one job reads it (Spark shares the lake's file
 * system, or reads the S3 lake's object as `s3a://…`), applies the source's mapping compiled to Spark SQL (`compileMapping(…, 'spark')`, the
 * same rules as DuckDB's, golden-tested) and writes Parquet into a staging folder of its own,
 * named after the Kafka record plus a fresh id. Rows never travel through Connect (the server
 * materialises results in its driver). The normalizer's DuckDB reads the staged files and the
 * folder is removed (on S3: swept by the lake's maintenance, `spark-staging.ts`). A job whose normalizer was killed runs on in the server: its folder is never
 * read (a restart maps the record again into a new folder, so the two jobs never share one) and
 * is swept when a later engine starts and finds it untouched for `SPARK_STAGING_STALE_MS`.
 */
export class SparkCurateEngine implements CurateEngine {
  readonly name = 'spark';
  private readonly mappings = new Map<string, CompiledMapping>();
  private mappedCatalog: DefinitionCatalog | undefined;

  private constructor(private readonly deps: SparkCurateEngineDeps) {}

  /** The engine, after sweeping this group's staged folders older than `staleAfterMs`. */
  static async open(deps: SparkCurateEngineDeps, staleAfterMs = SPARK_STAGING_STALE_MS): Promise<SparkCurateEngine> {
    const engine = new SparkCurateEngine(deps);
    const swept = await deps.staging.sweep(Date.now() - staleAfterMs);
    if (swept > 0) deps.logger.info({ swept }, 'removed staged folders of Spark jobs whose normalizer died');
    return engine;
  }

  async curatedRows({ rawPath, lineage }: CurateInput): Promise<CuratedRows> {
    const { staging } = this.deps;
    const dir = `${staging.groupDir}/${folderName(`${lineage.topic}-p${lineage.partition}-o${lineage.offset}-${randomUUID()}`)}`;
    const select = curatedSelectForFile(staging.sparkPath(rawPath), this.mappingOf(lineage.source), lineage, { drift: true });
    this.deps.logger.debug({ rawUri: lineage.rawUri, dir }, 'spark job started');
    const { operationId } = await this.deps.spark.sql(`INSERT OVERWRITE DIRECTORY ${SQL_DIALECTS.spark.string(staging.sparkPath(dir))} USING parquet ${select}`);
    const files = await staging.list(dir);
    this.deps.logger.debug({ rawUri: lineage.rawUri, operationId, files: files.length }, 'spark mapped a raw file');
    const release = () => staging.release(dir);
    if (files.length === 0) {
      await release();
      throw new NormalizerError('ENGINE_OUTPUT_MISSING', `Spark wrote no Parquet file for ${lineage.rawUri}`, { retriable: true, context: { rawUri: lineage.rawUri, operationId } });
    }
    return { sql: `SELECT * FROM read_parquet([${files.map((file) => sqlFilePath(file)).join(', ')}], hive_partitioning = false)`, release };
  }

  private mappingOf(sourceName: string): CompiledMapping {
    const catalog = this.deps.definitions.catalog;
    if (catalog !== this.mappedCatalog) {
      this.mappings.clear(); // the definitions changed: a new mapping applies from the next file on
      this.mappedCatalog = catalog;
    }
    let mapping = this.mappings.get(sourceName);
    if (mapping === undefined) {
      const source = catalog.source(sourceName);
      mapping = compileMapping(source, catalog.dataset(source.dataset), 'spark');
      this.mappings.set(sourceName, mapping);
    }
    return mapping;
  }
}
