import { PipelineHarness } from '@fluxo/e2e-harness';
import { runRecordedApi } from './support/real-api';

/** Issue 10, NDJSON bodies: real Lichess arena results (berserk's recorded cassette, 2024-04-01). */
describe('Lichess arena results: an NDJSON body, one record per line', () => {
  let pipeline: PipelineHarness;
  beforeAll(async () => {
    pipeline = await PipelineHarness.create('lichess');
  });
  afterAll(async () => pipeline.close());

  it('curates the three standings exactly, absent optional fields counted as drift, not as errors', async () => {
    await runRecordedApi(pipeline, { example: 'lichess-arena-results', source: 'lichess-arena-results', dataset: 'arena_results', path: '/api/tournament/hallow23/results', rows: 3 });
    expect(await pipeline.curatedRows('arena_results', 'username, rank, score, rating, performance, title, flair', 'ORDER BY rank')).toEqual([
      { username: 'GGbers', rank: 1, score: 149, rating: 2394, performance: 2449, title: null, flair: 'activity.lichess-variant-king-of-the-hill' },
      { username: 'Kondor75', rank: 2, score: 124, rating: 2346, performance: 2447, title: 'IM', flair: null },
      { username: 'sadisticTushi', rank: 3, score: 123, rating: 2241, performance: 2314, title: null, flair: 'food-drink.french-fries' },
    ]);
    expect((await pipeline.references('raw')).map((r) => r.rows)).toEqual([3]);
    const [curated] = await pipeline.references('curated');
    expect(curated?.drift?.columns.find((c) => c.column === 'title')).toEqual({ column: 'title', path: 'title', absent: 2, invalid: 0 });
    expect(curated?.drift?.columns.find((c) => c.column === 'flair')).toEqual({ column: 'flair', path: 'flair', absent: 1, invalid: 0 });
    expect(await pipeline.deadLetters()).toEqual([]);
  });
});
