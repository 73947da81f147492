import { existsSync } from 'node:fs';
import { type AppProcess, type LogLine, eventually, PipelineHarness, type CuratedCounts } from '@fluxo/e2e-harness';
import { SIX_POLLS_EXPECTED, allDayServed } from './support/six-polls';

const maintenanceStarted = (line: LogLine) => line.msg === 'table maintenance started';
/** Compaction, snapshot expiry and file deletion as often as possible, with no grace: the harshest setting. */
const HARSH_MAINTENANCE = { FLUXO_MAINTENANCE_INTERVAL_MS: '50', FLUXO_SNAPSHOT_RETENTION_MS: '0', FLUXO_FILE_DELETION_GRACE_MS: '0' };

/**
 * SIGKILL of the normalizer while it compacts, expires snapshots and deletes files, over and over,
 * with a reader watching: nothing is lost or duplicated, no reader ever sees a duplicate or half a
 * commit, and every file the catalog lists exists.
 */
describe('crash recovery during table maintenance', () => {
  let pipeline: PipelineHarness;
  beforeEach(async () => {
    pipeline = await PipelineHarness.create('maintenance-crash');
  });
  afterEach(() => pipeline.close());

  it('kills mid-maintenance lose and duplicate nothing', async () => {
    const observed: CuratedCounts[] = [];
    let blockedReads = 0;
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        try {
          observed.push(await pipeline.curatedEarthquakes());
        } catch (error) {
          // A SIGKILLed writer can leave SQLite's hot journal behind: a read-only reader cannot roll it
          // back and is refused until the restarted normalizer does. Refused is not wrong: any other error fails the test.
          if (!String(error).includes('attempt to write a readonly database')) throw error;
          blockedReads += 1;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();

    let normalizer: AppProcess = await pipeline.startNormalizer(HARSH_MAINTENANCE);
    await pipeline.startIngest('usgs-earthquakes?feed=all_day&intervalMs=700');
    let kills = 0;
    for (let round = 0; round < 5; round += 1) {
      // Wait for a maintenance round to begin after a commit, then kill the process inside it.
      const seen = normalizer.count('table maintenance started');
      await eventually(async () => normalizer.lines.filter(maintenanceStarted).length, (n) => n > seen, 'a maintenance round starts', 60_000);
      await new Promise((resolve) => setTimeout(resolve, round * 15));
      await normalizer.kill();
      kills += 1;
      normalizer = await pipeline.startNormalizer(HARSH_MAINTENANCE);
    }
    await eventually(
      async () => ({ served: allDayServed(pipeline.replay), curated: await pipeline.curatedEarthquakes() }),
      ({ served, curated }) => served >= 6 && curated.rows >= SIX_POLLS_EXPECTED.rows,
      'all polls are curated after the kills',
    );
    // Let maintenance run a few more rounds on the final state.
    const seen = normalizer.count('table maintenance done');
    await eventually(async () => normalizer.count('table maintenance done'), (n) => n >= seen + 2, 'maintenance runs on the final state', 60_000);
    watching = false;
    await watcher;

    expect(kills).toBe(5);
    expect(observed.length).toBeGreaterThan(0); // the reader did read (refusals are counted, not timed): the duplicate check below is not vacuous
    expect(await pipeline.curatedEarthquakes()).toEqual(SIX_POLLS_EXPECTED);
    expect(observed.filter((c) => c.rows !== c.versions || c.rows > SIX_POLLS_EXPECTED.rows)).toEqual([]); // no reader ever saw a duplicate
    const tables = await pipeline.tables();
    const files = (await tables?.dataFiles('earthquakes')) ?? [];
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter((file) => !existsSync(file.path))).toEqual([]);
    expect(await pipeline.deadLetters()).toEqual([]);
  });
});
