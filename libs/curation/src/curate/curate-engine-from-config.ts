import { SchemaError, type DefinitionCatalog, type Logger, type NormalizerConfig } from '@fluxo/schema';
import type { Lake } from '@fluxo/parquet-io';
import { connectSparkSession, describeRemote, parseRemote } from '@fluxo/spark-connect';
import { DUCKDB_CURATE_ENGINE, type CurateEngine } from './curate-engine';
import { SPARK_CURATE_SESSION_CONFIG, SparkCurateEngine } from './spark-curate-engine';

/** The curate engine `FLUXO_ENGINE` names, with what it holds open (a Spark session) closed on dispose. */
export async function curateEngineFromConfig(
  config: Pick<NormalizerConfig, 'engine' | 'sparkRemote' | 'groupId'>,
  deps: { readonly definitions: { readonly catalog: DefinitionCatalog }; readonly lake: Lake; readonly logger: Logger },
): Promise<{ readonly engine: CurateEngine } & AsyncDisposable> {
  if (config.engine === 'duckdb') return { engine: DUCKDB_CURATE_ENGINE, [Symbol.asyncDispose]: async () => undefined };
  if (config.sparkRemote === undefined) throw new SchemaError('INVALID_CONFIG', 'Configuration is invalid', ['FLUXO_SPARK_REMOTE: required when FLUXO_ENGINE is spark']);
  const spark = await connectSparkSession({ remote: config.sparkRemote, logger: deps.logger, config: SPARK_CURATE_SESSION_CONFIG });
  deps.logger.info({ remote: describeRemote(parseRemote(config.sparkRemote)), spark: await spark.sparkVersion() }, 'raw files are mapped by Spark through Spark Connect');
  return {
    engine: await SparkCurateEngine.open({ spark, definitions: deps.definitions, lake: deps.lake, group: config.groupId, logger: deps.logger }),
    [Symbol.asyncDispose]: () => spark.close(),
  };
}
