import { rm } from 'node:fs/promises';
import { BatchHarness, feature } from '../testing/batch-harness';

/**
 * Issue 9 (found by the chaos soak): announcing a commit again after a crash — or a maintenance
 * round slipping in between a commit and its announcement — may find a data file already merged
 * and deleted. That file is not announced, and the consumer goes on; it used to stop the
 * normalizer with a non-retriable error on every restart (a crash loop that stalled the partition).
 */
describe('issue 9: announcing a commit whose data file maintenance already deleted', () => {
  let h: BatchHarness;
  beforeEach(async () => {
    h = await BatchHarness.open();
  });
  afterEach(() => h.close());

  it('skips the deleted file and keeps consuming', async () => {
    const record = await h.rawRecord('poll-1', [feature('a', 1)]);
    await h.handler().handle([record]);
    expect(h.announced).toHaveLength(1);
    for (const file of await h.lakehouse.dataFiles('earthquakes')) await rm(file.path); // what merge + cleanup with no grace do

    // the replay after a crash between the commit and the Kafka commit: announced again → file gone
    await expect(h.handler().handle([record])).resolves.toMatchObject({ alreadyCommitted: 1 });
    expect(h.announced).toHaveLength(1);
    const next = await h.rawRecord('poll-2', [feature('b', 1)]);
    await expect(h.handler().handle([record, next])).resolves.toMatchObject({ alreadyCommitted: 1, curatedRows: 1 });
  });
});
