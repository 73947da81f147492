import { PipelineHarness } from '@fluxo/e2e-harness';
import { runRecordedApi } from './support/real-api';

/**
 * Issue 10, objects whose keys are records, and secrets from the environment: a real CoinGecko
 * `/simple/price` response (go-gecko's test data, 2019-04-06); the API key header is filled from
 * COINGECKO_API_KEY and the version is a content hash (the API has none).
 */
describe('CoinGecko /simple/price: an object keyed by coin', () => {
  let pipeline: PipelineHarness;
  beforeAll(async () => {
    pipeline = await PipelineHarness.create('coingecko');
  });
  afterAll(async () => pipeline.close());

  it('curates one row per coin, the member name as `coin`, once', async () => {
    await runRecordedApi(pipeline, { example: 'coingecko-prices', source: 'coingecko-prices', dataset: 'coin_prices', path: '/api/v3/simple/price', rows: 2, env: { COINGECKO_API_KEY: 'e2e-demo-key' } });
    expect(await pipeline.curatedRows('coin_prices', 'coin, usd, myr, _record_key AS key, length(_record_version) AS version_chars', 'ORDER BY coin')).toEqual([
      { coin: 'bitcoin', usd: 5005.73, myr: 20474, key: 'bitcoin', version_chars: 32 },
      { coin: 'ethereum', usd: 163.58, myr: 669.07, key: 'ethereum', version_chars: 32 },
    ]);
    expect((await pipeline.references('raw')).map((r) => r.rows)).toEqual([2]);
    expect(await pipeline.deadLetters()).toEqual([]);
  });
});
