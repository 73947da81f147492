import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describeLag } from '@fluxo/kafka-client';
import { readAll } from '@fluxo/kafka-client/testing';
import { DEAD_LETTER_TOPIC, EARLY_BAD_INPUTS, EARLY_FAULTS, feedBadInputs, RAW_TOPIC, TRANSIENT_FAULTS, type BadInput, type DeadLetterEvent } from './hostile-inputs';
import { checkSoak } from './soak-checks';
import { APPS, SoakPipeline, type AppName } from './soak-pipeline';
import { SeededRandom } from './seeded-random';
import { isMidWrite } from '../support/write-markers';

export interface SoakOptions {
  /** The repository root (built apps in dist/, tools/, .fluxo/duckdb-extensions). */
  readonly root: string;
  /** Length of the chaos phase; set-up, the final drain and the checks come on top. */
  readonly minutes: number;
  readonly seed: number;
  /** Progress lines; default: stdout. */
  readonly log?: (line: string) => void;
  /** Keep the run's folder (lake, catalog, logs) even when the verdict is PASS. */
  readonly keep?: boolean;
  /** Wikimedia events per second replayed. Default 40. */
  readonly streamEventsPerSecond?: number;
}

export interface SoakResult {
  readonly kills: number;
  readonly midWriteKills: number;
  readonly brokerRestarts: number;
  readonly brokerKills: number;
  readonly transientFaults: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly deadLetters: number;
  readonly verdict: 'PASS' | 'FAIL';
  readonly problems: readonly string[];
  /** `kills=… broker_restarts=… lost=… duplicated=… dead_letters=… verdict=…`: the line every run prints. */
  readonly summary: string;
  readonly dir: string;
}

const COMMITTED = 'committed curated batch';

/**
 * A chaos soak of the whole pipeline (issue 9), seeded and bounded in time, on loopback only. For
 * `minutes` it SIGKILLs apps at random points — half of the time right after they log the start of
 * a write, so the kill lands mid-write — restarts the broker cleanly or SIGKILLs it, and queues
 * transient faults on the replay server; once, with the chaos paused, it feeds every kind of bad
 * input. Then it lets the pipeline drain and checks exactly-once and that nothing was lost in every
 * curated table, and that every bad input ended in a dead letter with its reason (`checkSoak`).
 *
 * The pace follows the machine, not the clock: before each action the soak waits until the
 * normalizer has committed again since the last one (generous deadlines), so a slow machine sees
 * fewer actions, never a starved pipeline.
 */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const started = Date.now();
  const say = (message: string) => log(`[soak +${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);
  const random = new SeededRandom(options.seed);
  const dir = await mkdtemp(join(tmpdir(), `fluxo-soak-${options.seed}-`));
  say(`seed ${options.seed}, ${options.minutes} min of chaos; run folder ${dir}`);
  const counters = { kills: 0, midWriteKills: 0, brokerRestarts: 0, brokerKills: 0, transientFaults: 0 };
  const problems: string[] = [];
  const pipeline = await SoakPipeline.start({ root: options.root, dir, log: say, streamEventsPerSecond: options.streamEventsPerSecond ?? 40, initialFaults: EARLY_FAULTS });
  let commits = 0;
  pipeline.onLine('normalizer', (line) => {
    if (line.msg === COMMITTED) commits += 1;
  });
  let result: SoakResult | undefined;
  try {
    await waitUntil(() => commits > 0, 'the normalizer commits its first batch', 240_000);
    for (const input of EARLY_BAD_INPUTS) {
      if (!(await awaitDeadLetter(pipeline, input, 180_000))) problems.push(`no dead letter for ${input.name} before the chaos`);
    }
    const chaosEnd = Date.now() + options.minutes * 60_000;
    const hostileAt = Date.now() + options.minutes * 60_000 * 0.4;
    let badInputs: BadInput[] | undefined;
    // Every run does each of these at least once, at random moments; random actions fill the rest.
    const planned: Action[] = shuffle(random, [
      { kind: 'kill', app: 'normalizer', midWrite: true },
      { kind: 'kill', app: 'ingest', midWrite: true },
      { kind: 'kill', app: 'stream-ingest', midWrite: true },
      { kind: 'broker-kill' },
      { kind: 'broker-restart' },
    ]);
    for (;;) {
      const chaosLeft = chaosEnd - Date.now();
      if (chaosLeft <= 0 && planned.length === 0) break;
      // progress between actions: the normalizer committed since the last one
      const seen = commits;
      await waitUntil(() => commits > seen, 'the normalizer commits again', 180_000).catch((error: unknown) => problems.push(String(error)));
      if (badInputs === undefined && Date.now() >= hostileAt) {
        say('chaos paused: feeding bad inputs');
        badInputs = await feedBadInputs(pipeline, (input) => awaitDeadLetter(pipeline, input, 180_000), say);
        say('bad inputs fed and dead-lettered; chaos resumes');
        continue;
      }
      const action = planned.length > 0 && (chaosLeft <= 0 || random.chance(0.4)) ? (planned.shift() as Action) : randomAction(random);
      await perform(pipeline, action, counters, say);
      await sleep(random.int(200, 1_500)); // pacing only: nothing is asserted on time
    }
    if (badInputs === undefined) badInputs = await feedBadInputs(pipeline, (input) => awaitDeadLetter(pipeline, input, 180_000), say);
    const fed = [...EARLY_BAD_INPUTS, ...badInputs];
    await waitUntil(async () => (await missingDeadLetters(pipeline, fed)).length === 0, 'every bad input is dead-lettered', 240_000).catch((error: unknown) => problems.push(String(error)));

    say('chaos over: draining');
    await drain(pipeline, problems, say);
    const rawMessages = await readAll(pipeline.kafka, RAW_TOPIC, { timeoutMs: 120_000 });
    const deadLetterMessages = await readAll(pipeline.kafka, DEAD_LETTER_TOPIC, { timeoutMs: 120_000 });
    problems.push(...pipeline.failedServices().map((name) => `the supervisor gave up on ${name}`));
    const checks = await checkSoak({
      root: options.root,
      lakeDir: pipeline.lakeDir,
      catalogPath: pipeline.catalogPath,
      extensionDirectory: process.env['FLUXO_DUCKDB_EXTENSION_DIR'] ?? join(options.root, '.fluxo', 'duckdb-extensions'),
      rawMessages,
      deadLetterMessages,
      badInputs: fed,
    });
    problems.push(...checks.problems);
    say(`tables: ${Object.entries(checks.tables).map(([name, rows]) => `${name}=${rows}`).join(' ')}; raw files announced: ${rawMessages.length}`);
    say(`kills: ${counters.kills} (${counters.midWriteKills} mid-write), broker: ${counters.brokerRestarts} restarts (${counters.brokerKills} SIGKILL), transient faults: ${counters.transientFaults}, bad inputs: ${fed.length}`);
    const verdict = problems.length === 0 && checks.lost === 0 && checks.duplicated === 0 ? 'PASS' : 'FAIL';
    for (const problem of problems) say(`problem: ${problem}`);
    const summary = `kills=${counters.kills} broker_restarts=${counters.brokerRestarts} lost=${checks.lost} duplicated=${checks.duplicated} dead_letters=${checks.deadLetters} verdict=${verdict}`;
    result = { ...counters, lost: checks.lost, duplicated: checks.duplicated, deadLetters: checks.deadLetters, verdict, problems, summary, dir };
    return result;
  } finally {
    await pipeline.close();
    if (result?.verdict === 'PASS' && options.keep !== true) await rm(dir, { recursive: true, force: true });
    else say(`run folder kept for a post-mortem: ${dir} (logs/ holds every process's log)`);
  }
}

type Action = { readonly kind: 'kill'; readonly app: AppName; readonly midWrite: boolean } | { readonly kind: 'broker-kill' } | { readonly kind: 'broker-restart' } | { readonly kind: 'fault' };

function randomAction(random: SeededRandom): Action {
  const roll = random.next();
  if (roll < 0.6) return { kind: 'kill', app: random.pick(APPS), midWrite: random.chance(0.6) };
  if (roll < 0.75) return random.chance(0.5) ? { kind: 'broker-kill' } : { kind: 'broker-restart' };
  return { kind: 'fault' };
}

async function perform(pipeline: SoakPipeline, action: Action, counters: { kills: number; midWriteKills: number; brokerRestarts: number; brokerKills: number; transientFaults: number }, say: (message: string) => void): Promise<void> {
  switch (action.kind) {
    case 'kill': {
      const { app } = action;
      const marker = action.midWrite ? await pipeline.nextLine(app, (line) => isMidWrite(app, line), 20_000) : null;
      await pipeline.killApp(app);
      counters.kills += 1;
      if (marker !== null) counters.midWriteKills += 1;
      say(`SIGKILL ${app}${marker === null ? '' : ` right after "${String(marker['sql']).slice(0, 48)}…"`}; restarted`);
      return;
    }
    case 'broker-kill':
      await pipeline.killBroker();
      counters.brokerRestarts += 1;
      counters.brokerKills += 1;
      say('broker SIGKILLed, restarted by the supervisor, answering again');
      return;
    case 'broker-restart':
      await pipeline.restartBroker();
      counters.brokerRestarts += 1;
      say('broker stopped cleanly, started again, answering');
      return;
    case 'fault': {
      const fault = TRANSIENT_FAULTS[counters.transientFaults % TRANSIENT_FAULTS.length];
      if (fault === undefined) return;
      pipeline.replay.setFault({ ...fault, count: 1 });
      counters.transientFaults += 1;
      say(`transient fault ${fault.kind} on ${fault.path}`);
      return;
    }
  }
}

function shuffle<T>(random: SeededRandom, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = random.int(0, i);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** Stops the producers cleanly (they flush and announce), then waits until the normalizer has consumed everything. */
async function drain(pipeline: SoakPipeline, problems: string[], say: (message: string) => void): Promise<void> {
  await pipeline.waitForBroker();
  for (const app of APPS) {
    await waitUntil(() => pipeline.supervisor.status(app).state === 'running', `${app} runs`, 120_000).catch((error: unknown) => problems.push(String(error)));
  }
  await pipeline.stopApp('ingest');
  await pipeline.stopApp('stream-ingest');
  await waitUntil(
    async () => (await describeLag(pipeline.kafka, { groupId: 'fluxo-normalizer', topic: RAW_TOPIC }).catch(() => ({ totalLag: -1 }))).totalLag === 0,
    'the normalizer has consumed every raw reference',
    300_000,
  ).catch((error: unknown) => problems.push(String(error)));
  await pipeline.stopApp('normalizer');
  say('producers stopped, normalizer caught up and stopped');
}

async function missingDeadLetters(pipeline: SoakPipeline, inputs: readonly BadInput[]): Promise<BadInput[]> {
  const events = (await readAll(pipeline.kafka, DEAD_LETTER_TOPIC, { timeoutMs: 60_000 }).catch(() => [])).map((message) => JSON.parse(message.value.toString('utf8')) as DeadLetterEvent);
  return inputs.filter((input) => !events.some((event) => event.stage === input.stage && event.reason === input.reason && (input.source === undefined || event.source === input.source)));
}

async function awaitDeadLetter(pipeline: SoakPipeline, input: BadInput, deadlineMs: number): Promise<boolean> {
  return waitUntil(async () => (await missingDeadLetters(pipeline, [input])).length === 0, `a dead letter for ${input.name}`, deadlineMs).then(
    () => true,
    () => false,
  );
}

/** Polls `condition` until it holds; rejects after `deadlineMs` (a generous deadline, never a pace). */
async function waitUntil(condition: () => boolean | Promise<boolean>, description: string, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(deadlineMs / 1000)} s waiting until ${description}`);
    await sleep(250);
  }
}
