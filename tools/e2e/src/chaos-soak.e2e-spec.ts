import { runSoak } from './soak/run-soak';
import { WORKSPACE_ROOT } from '@fluxo/e2e-harness';

/**
 * Issue 9: the chaos soak, short and with a fixed seed — one minute of SIGKILLs of every app (also
 * mid-write), broker SIGKILLs and clean restarts, transient faults and every kind of bad input, on
 * its own broker — must end with nothing lost, nothing duplicated, every bad input dead-lettered
 * with its reason. `npm run soak -- --minutes N` runs the same, longer, with any seed.
 */
describe('issue 9: chaos soak (short, seed 9)', () => {
  it('prints verdict=PASS: exactly once in every curated table, every bad input dead-lettered', async () => {
    const lines: string[] = [];
    const result = await runSoak({
      root: WORKSPACE_ROOT,
      minutes: 1,
      seed: 9,
      log: (line) => {
        lines.push(line);
        process.stdout.write(`${line}\n`);
      },
    });
    process.stdout.write(`${result.summary}\n`);
    expect(result.problems).toEqual([]);
    expect(result.summary).toMatch(/^kills=[1-9]\d* broker_restarts=[1-9]\d* lost=0 duplicated=0 dead_letters=[1-9]\d* verdict=PASS$/);
    // the plan: every app killed mid-write at least once, the broker both SIGKILLed and restarted cleanly
    expect(result.midWriteKills).toBeGreaterThanOrEqual(1);
    expect(result.brokerKills).toBeGreaterThanOrEqual(1);
    expect(result.brokerRestarts).toBeGreaterThan(result.brokerKills);
  }, 30 * 60_000);
});
