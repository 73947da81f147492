import { SchemaError, type DefinitionCatalog, type LakeStorage, type Logger, type NormalizerConfig } from '@fluxo/schema';
import type { Lake, ParquetEngine } from '@fluxo/parquet-io';
import { DUCKDB_CURATE_ENGINE, type CurateEngine } from './curate-engine';
import { SparkLink } from './spark-link';
import { SPARK_CURATE_SESSION_CONFIG, SparkCurateEngine } from './spark-curate-engine';
import { localSparkStaging, s3SparkStaging, sparkS3SessionConfig } from './spark-staging';

/** The curate engine `FLUXO_ENGINE` names, what holds it open (a Spark session, closed on dispose) and why it is not ready. */
export interface ConfiguredCurateEngine extends AsyncDisposable {
  readonly engine: CurateEngine;
  /** Undefined while the engine answers; else what readiness reports ("waiting for Spark Connect at sc://…"). */
  readonly waiting: () => string | undefined;
}

/**
 * DuckDB is always there. Spark is connected once here; when its server is unreachable the
 * normalizer still starts, reports "waiting for Spark Connect at sc://…" and its batches wait.
 * With the lake on S3, the Spark session also gets the S3A settings of the lake's bucket (endpoint,
 * path style, region, the normalizer's credentials) and its jobs read and stage `s3a://` objects.
 */
export async function curateEngineFromConfig(
  config: Pick<NormalizerConfig, 'engine' | 'sparkRemote' | 'groupId'>,
  deps: {
    readonly definitions: { readonly catalog: DefinitionCatalog };
    /** The local lake (staging folder when the lake is local). */
    readonly lake: Lake;
    /** Where raw and curated files live; an S3 lake moves Spark's staging to S3 too. */
    readonly storage: LakeStorage;
    /** The normalizer's DuckDB (lists staged objects on an S3 lake). */
    readonly engine: ParquetEngine;
    readonly logger: Logger;
    readonly onAvailability?: (available: boolean) => void;
  },
): Promise<ConfiguredCurateEngine> {
  if (config.engine === 'duckdb') {
    deps.onAvailability?.(true); // in process: always there
    return { engine: DUCKDB_CURATE_ENGINE, waiting: () => undefined, [Symbol.asyncDispose]: async () => undefined };
  }
  if (config.sparkRemote === undefined) throw new SchemaError('INVALID_CONFIG', 'Configuration is invalid', ['FLUXO_SPARK_REMOTE: required when FLUXO_ENGINE is spark']);
  const { storage } = deps;
  const sessionConfig = storage.kind === 's3' ? { ...SPARK_CURATE_SESSION_CONFIG, ...sparkS3SessionConfig(storage) } : SPARK_CURATE_SESSION_CONFIG;
  const spark = await SparkLink.open({ remote: config.sparkRemote, config: sessionConfig, logger: deps.logger, ...(deps.onAvailability === undefined ? {} : { onAvailability: deps.onAvailability }) });
  const staging = storage.kind === 's3' ? s3SparkStaging(deps.engine, storage.root, config.groupId) : localSparkStaging(deps.lake, config.groupId);
  deps.logger.info({ remote: spark.address, staging: staging.groupDir }, `raw files are mapped by Spark through Spark Connect at ${spark.address}`);
  return {
    engine: await SparkCurateEngine.open({ spark, definitions: deps.definitions, staging, logger: deps.logger }),
    waiting: () => spark.waiting,
    [Symbol.asyncDispose]: () => spark.close(),
  };
}
