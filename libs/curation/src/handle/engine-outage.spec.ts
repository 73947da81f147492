import { createServer } from 'node:net';
import { silentLogger } from '@fluxo/schema';
import { DUCKDB_CURATE_ENGINE, type CurateEngine } from '../curate/curate-engine';
import { SparkCurateEngine } from '../curate/spark-curate-engine';
import { localSparkStaging } from '../curate/spark-staging';
import { SparkLink } from '../curate/spark-link';
import { BatchHarness, catalog, feature } from '../testing/batch-harness';

/** A loopback port nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/**
 * Issue 12: an unreachable Spark Connect server is an engine outage, not bad input. The real
 * client against a port where no server listens: the batch fails with the retriable
 * `ENGINE_UNAVAILABLE` as often as it is offered, no attempt is counted against the raw file (here
 * `maxAttempts` is 1), nothing is dead-lettered, and once an engine answers the file is curated.
 */
describe('issue 12: a Spark Connect outage', () => {
  let h: BatchHarness;
  beforeEach(async () => {
    h = await BatchHarness.open();
  });
  afterEach(() => h.close());

  it('fails the batch as ENGINE_UNAVAILABLE without counting attempts or dead-lettering, and curates once the engine answers', async () => {
    const availability: boolean[] = [];
    const port = await closedPort();
    await using link = await SparkLink.open({ remote: `sc://127.0.0.1:${port}/;token=secret-token`, config: {}, logger: silentLogger, onAvailability: (up) => void availability.push(up) });
    expect(link.waiting).toBe(`waiting for Spark Connect at sc://127.0.0.1:${port}`);
    const spark = await SparkCurateEngine.open({ spark: link, definitions: { catalog }, staging: localSparkStaging(h.tmp.lake, 'g'), logger: silentLogger });
    let engineBack = false;
    const curate: CurateEngine = { name: 'spark', curatedRows: (input) => (engineBack ? DUCKDB_CURATE_ENGINE : spark).curatedRows(input) };
    const handler = h.handler('g', undefined, { maxAttempts: 1, curate });
    const record = await h.rawRecord('outage', [feature('a', 1), feature('b', 1)]);

    for (let attempt = 1; attempt <= 3; attempt += 1) {
      await expect(handler.handle([record])).rejects.toMatchObject({ code: 'ENGINE_UNAVAILABLE', retriable: true, context: { remote: `sc://127.0.0.1:${port}` } });
    }
    expect(h.deadLetters).toEqual([]);
    expect(availability).toEqual([false]); // reported once, at the first failure
    expect(link.waiting).toContain('waiting for Spark Connect');

    engineBack = true;
    expect(await handler.handle([record])).toMatchObject({ curatedRows: 2, deadLettered: 0 });
    expect(h.deadLetters).toEqual([]);
  });
});
