import { SchemaError } from '../errors';
import { redactConfig } from './env-config';
import { loadNormalizerConfig, NORMALIZER_SETTINGS } from './normalizer-config';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadNormalizerConfig(env);
  } catch (error) {
    if (error instanceof SchemaError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('issue 12: the normalizer engine is configuration', () => {
  it('is embedded DuckDB by default, with no Spark address needed', () => {
    const config = loadNormalizerConfig({});
    expect(config.engine).toBe('duckdb');
    expect(config.sparkRemote).toBeUndefined();
  });

  it('takes Spark with a Spark Connect address, and never logs the address (it holds the token)', () => {
    const config = loadNormalizerConfig({ FLUXO_ENGINE: 'spark', FLUXO_SPARK_REMOTE: 'sc://spark.example.com:443/;token=s3cret' });
    expect(config).toMatchObject({ engine: 'spark', sparkRemote: 'sc://spark.example.com:443/;token=s3cret' });
    expect(JSON.stringify(redactConfig(config, NORMALIZER_SETTINGS))).not.toContain('s3cret');
  });

  it('lists every problem at startup: an unknown engine, a missing or malformed address', () => {
    expect(problemsOf({ FLUXO_ENGINE: 'flink', FLUXO_ENGINE_THREADS: '0' })).toEqual([
      'FLUXO_ENGINE: must be one of duckdb, spark',
      expect.stringMatching(/^FLUXO_ENGINE_THREADS: /),
    ]);
    expect(problemsOf({ FLUXO_ENGINE: 'spark' })).toEqual([expect.stringMatching(/^FLUXO_SPARK_REMOTE: must be a Spark Connect address sc:\/\/host.* when FLUXO_ENGINE is spark$/)]);
    expect(problemsOf({ FLUXO_ENGINE: 'spark', FLUXO_SPARK_REMOTE: 'http://spark:15002' })).toEqual([expect.stringMatching(/^FLUXO_SPARK_REMOTE: /)]);
  });
});
