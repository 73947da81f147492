import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { eventually, PipelineHarness } from '@fluxo/e2e-harness';
import { SIX_POLLS_EXPECTED } from './support/six-polls';

const FEED = '/earthquakes/feed/v1.0/summary/all_day.geojson';

describe('HTTP faults: the producer retries, quarantines what stays broken, and loses nothing', () => {
  let pipeline: PipelineHarness;

  beforeEach(async () => {
    pipeline = await PipelineHarness.create('faults');
  });
  afterEach(() => pipeline.close());

  it('recovers from 429 with Retry-After, 500, 503, resets, truncated and malformed bodies', async () => {
    for (const fault of [
      { kind: 'status-429', retryAfterS: 1 },
      { kind: 'status-500' },
      { kind: 'truncate' },
      { kind: 'status-503' },
      { kind: 'reset' },
      { kind: 'malformed' },
      { kind: 'slow', delayMs: 300 },
    ] as const) {
      pipeline.replay.setFault({ path: FEED, count: 1, ...fault });
    }
    await pipeline.startNormalizer();
    const ingest = await pipeline.startIngest('usgs-earthquakes?feed=all_day&intervalMs=200');
    await eventually(
      async () => ({ served: pipeline.replay.state().endpoints.find((e) => e.path === FEED)?.served ?? 0, curated: await pipeline.curatedEarthquakes() }),
      ({ served, curated }) => served >= 6 && curated.rows >= SIX_POLLS_EXPECTED.rows,
      'all polls are curated despite the faults',
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await pipeline.curatedEarthquakes()).toEqual(SIX_POLLS_EXPECTED);
    expect(pipeline.replay.state().endpoints.find((e) => e.path === FEED)?.faulted).toBe(7);
    expect(ingest.count('retrying HTTP request')).toBeGreaterThanOrEqual(4);
    expect(ingest.count('response is not JSON; fetching again')).toBe(1);
    expect(await pipeline.deadLetters()).toEqual([]);
  });

  it('quarantines a body that stays malformed, dead-letters it with the reason, and carries on', async () => {
    pipeline.replay.setFault({ path: FEED, count: 5, kind: 'malformed' }); // more than the retry limit
    await pipeline.startNormalizer();
    await pipeline.startIngest('usgs-earthquakes?feed=all_day&intervalMs=200', { FLUXO_HTTP_RETRY_LIMIT: '2' });
    const [deadLetter] = await eventually(() => pipeline.deadLetters(), (events) => events.length >= 1, 'a dead letter arrives');
    expect(deadLetter).toMatchObject({ stage: 'ingest', reason: 'MALFORMED_BODY', source: 'usgs-earthquakes', quarantineUri: expect.stringMatching(/^quarantine\/ingest\//) });
    const quarantined = await readdir(join(pipeline.lakeDir, String(deadLetter?.['quarantineUri']), '..'));
    expect(quarantined.length).toBeGreaterThanOrEqual(1);
    await eventually(() => pipeline.curatedEarthquakes(), (c) => c.rows >= SIX_POLLS_EXPECTED.rows, 'the pipeline carries on once the source recovers');
    expect(await pipeline.curatedEarthquakes()).toEqual(SIX_POLLS_EXPECTED);
  });
});
