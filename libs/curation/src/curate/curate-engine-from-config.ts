import { SchemaError, type DefinitionCatalog, type Logger, type NormalizerConfig } from '@fluxo/schema';
import type { Lake } from '@fluxo/parquet-io';
import { DUCKDB_CURATE_ENGINE, type CurateEngine } from './curate-engine';
import { SparkLink } from './spark-link';
import { SPARK_CURATE_SESSION_CONFIG, SparkCurateEngine } from './spark-curate-engine';

/** The curate engine `FLUXO_ENGINE` names, what holds it open (a Spark session, closed on dispose) and why it is not ready. */
export interface ConfiguredCurateEngine extends AsyncDisposable {
  readonly engine: CurateEngine;
  /** Undefined while the engine answers; else what readiness reports ("waiting for Spark Connect at sc://…"). */
  readonly waiting: () => string | undefined;
}

/**
 * DuckDB is always there. Spark is connected once here; when its server is unreachable the
 * normalizer still starts, reports "waiting for Spark Connect at sc://…" and its batches wait.
 */
export async function curateEngineFromConfig(
  config: Pick<NormalizerConfig, 'engine' | 'sparkRemote' | 'groupId'>,
  deps: { readonly definitions: { readonly catalog: DefinitionCatalog }; readonly lake: Lake; readonly logger: Logger; readonly onAvailability?: (available: boolean) => void },
): Promise<ConfiguredCurateEngine> {
  if (config.engine === 'duckdb') {
    deps.onAvailability?.(true); // in process: always there
    return { engine: DUCKDB_CURATE_ENGINE, waiting: () => undefined, [Symbol.asyncDispose]: async () => undefined };
  }
  if (config.sparkRemote === undefined) throw new SchemaError('INVALID_CONFIG', 'Configuration is invalid', ['FLUXO_SPARK_REMOTE: required when FLUXO_ENGINE is spark']);
  const spark = await SparkLink.open({ remote: config.sparkRemote, config: SPARK_CURATE_SESSION_CONFIG, logger: deps.logger, ...(deps.onAvailability === undefined ? {} : { onAvailability: deps.onAvailability }) });
  deps.logger.info({ remote: spark.address }, `raw files are mapped by Spark through Spark Connect at ${spark.address}`);
  return {
    engine: await SparkCurateEngine.open({ spark, definitions: deps.definitions, lake: deps.lake, group: config.groupId, logger: deps.logger }),
    waiting: () => spark.waiting,
    [Symbol.asyncDispose]: () => spark.close(),
  };
}
