// @ts-check
// Issue 9: `npm start` keeps the apps running — an app that dies is restarted with a back-off that
// doubles (capped), starts over once the app stayed up, and is logged; an exit that would repeat
// (code 2) is not retried; stopping stops everything in reverse order, the last added (the broker,
// added first) last. Real child processes (tiny node scripts); the back-off waits are recorded
// instead of slept, so nothing here depends on the machine's speed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { restartDelayMs, Supervisor } from './supervisor.mjs';

const node = process.execPath;
const policy = { initialDelayMs: 100, maxDelayMs: 400, multiplier: 2, stableAfterMs: 5_000, fatalExitCodes: [2] };

/**
 * A `schedule` that records each back-off and runs the restart at once, until `limit` restarts were
 * asked for; `reached` resolves then. `beforeRun(index)` may move the fake clock.
 * @param {number} limit
 * @param {(index: number) => void} [afterRun]
 */
function recordingSchedule(limit, afterRun = () => undefined) {
  /** @type {number[]} */
  const delays = [];
  /** @type {(value: number[]) => void} */
  let done = () => undefined;
  const reached = new Promise((resolve) => (done = resolve));
  /** @param {number} delayMs @param {() => void} run */
  const schedule = (delayMs, run) => {
    delays.push(delayMs);
    if (delays.length < limit) {
      run();
      afterRun(delays.length);
    } else done(delays);
    return { cancel: () => undefined };
  };
  return { delays, reached, schedule };
}

/** @param {Supervisor} supervisor @param {string} event @param {number} count */
function nthEvent(supervisor, event, count) {
  return new Promise((resolve) => {
    /** @type {unknown[][]} */
    const seen = [];
    /** @param {unknown[]} args */
    const listener = (...args) => {
      seen.push(args);
      if (seen.length === count) {
        supervisor.off(event, listener);
        resolve(seen);
      }
    };
    supervisor.on(event, listener);
  });
}

describe('issue 9: supervisor restarts a dying app with back-off', () => {
  it('computes the back-off: doubling from the initial delay, capped', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 40].map((n) => restartDelayMs(policy, n)), [100, 200, 400, 400, 400, 400]);
  });

  it('restarts an app that keeps exiting 1 with delays 100, 200, 400, 400 … and logs each exit', async () => {
    /** @type {string[]} */
    const logs = [];
    const { reached, schedule } = recordingSchedule(5);
    const supervisor = new Supervisor({ policy, schedule, log: (message) => logs.push(message) });
    supervisor.add({ name: 'crashy', command: node, args: ['-e', 'process.exit(1)'], output: () => undefined });
    assert.deepEqual(await reached, [100, 200, 400, 400, 400]);
    assert.equal(supervisor.status('crashy').starts, 5);
    assert.equal(supervisor.status('crashy').state, 'backing-off');
    assert.equal(logs.filter((line) => /^crashy exited \(code 1\) after .*; restart \d+ in /.test(line)).length, 5);
    assert.equal(logs.filter((line) => line === 'restarting crashy').length, 4);
    await supervisor.stop();
    assert.equal(supervisor.status('crashy').state, 'stopped');
  });

  it('starts the back-off over once the app stayed up longer than stableAfterMs', async () => {
    let clock = 0;
    // the third run (after the second restart) "lasts" 10 s of the fake clock
    const { reached, schedule } = recordingSchedule(4, (index) => (clock += index === 2 ? 10_000 : 0));
    const supervisor = new Supervisor({ policy, schedule, now: () => clock, log: () => undefined });
    supervisor.add({ name: 'flaky', command: node, args: ['-e', 'process.exit(3)'], output: () => undefined });
    assert.deepEqual(await reached, [100, 200, 100, 200]);
    await supervisor.stop();
  });

  it('restarts an app killed from outside (SIGKILL), like one that crashed', async () => {
    const { schedule } = recordingSchedule(2);
    const supervisor = new Supervisor({ policy, schedule, log: () => undefined });
    const exits = nthEvent(supervisor, 'exit', 1);
    const spawned = nthEvent(supervisor, 'spawn', 2);
    supervisor.add({ name: 'victim', command: node, args: ['-e', 'setInterval(() => undefined, 1000)'], output: () => undefined });
    assert.equal(supervisor.kill('victim'), true);
    const [first] = /** @type {[string, { signal: string }][]} */ (await exits);
    assert.equal(first?.[1].signal, 'SIGKILL');
    await spawned; // started again
    assert.equal(supervisor.status('victim').state, 'running');
    await supervisor.stop();
    assert.deepEqual(supervisor.status('victim').lastExit, { code: null, signal: 'SIGTERM' });
  });

  it('does not restart an app whose exit code means it would fail again (2: invalid configuration)', async () => {
    /** @type {string[]} */
    const logs = [];
    const { delays, schedule } = recordingSchedule(10);
    const supervisor = new Supervisor({ policy, schedule, log: (message) => logs.push(message) });
    const gaveUp = nthEvent(supervisor, 'gave-up', 1);
    supervisor.add({ name: 'misconfigured', command: node, args: ['-e', 'console.error("FLUXO_X: must be an integer"); process.exit(2)'], output: () => undefined });
    await gaveUp;
    assert.deepEqual(delays, []);
    assert.equal(supervisor.status('misconfigured').state, 'failed');
    assert.match(logs.join('\n'), /misconfigured exited \(code 2\) .*not restarting/);
    await supervisor.stop();
  });

  it('stops every app in reverse order (broker last), never restarts them, and SIGKILLs one that ignores SIGTERM', async () => {
    const supervisor = new Supervisor({ policy, log: () => undefined });
    /** @type {Record<string, string[]>} */
    const lines = { broker: [], app: [], stubborn: [] };
    const ready = (/** @type {string} */ name) =>
      new Promise((resolve) => {
        const check = setInterval(() => {
          if (lines[name]?.includes('ready')) {
            clearInterval(check);
            resolve(undefined);
          }
        }, 20);
      });
    const script = (/** @type {string} */ onTerm) => `process.on('SIGTERM', () => { ${onTerm} }); console.log('ready'); setInterval(() => undefined, 1000);`;
    supervisor.add({ name: 'broker', command: node, args: ['-e', script("console.log('clean stop'); process.exit(0);")], output: (line) => lines['broker']?.push(line) });
    supervisor.add({ name: 'app', command: node, args: ['-e', script('process.exit(0);')], output: (line) => lines['app']?.push(line) });
    supervisor.add({ name: 'stubborn', command: node, args: ['-e', script('/* ignored */')], stopGraceMs: 300, output: (line) => lines['stubborn']?.push(line) });
    await Promise.all([ready('broker'), ready('app'), ready('stubborn')]);
    const stoppedOrder = /** @type {Promise<string[][]>} */ (nthEvent(supervisor, 'stopped', 3));
    await supervisor.stop();
    assert.deepEqual((await stoppedOrder).map(([name]) => name), ['stubborn', 'app', 'broker']);
    assert.deepEqual(supervisor.status('stubborn').lastExit, { code: null, signal: 'SIGKILL' });
    assert.deepEqual(supervisor.status('broker').lastExit, { code: 0, signal: null });
    assert.ok(lines['broker']?.includes('clean stop'));
    for (const name of ['broker', 'app', 'stubborn']) assert.equal(supervisor.status(name).state, 'stopped');
  });
});
