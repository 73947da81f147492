import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runSoak } from './run-soak';
import { SoakPipeline } from './soak-pipeline';

const USAGE = 'usage: npm run soak -- [--minutes N] [--seed S] [--keep]   (defaults: 3 minutes, a seed drawn and printed)';

/** `npm run soak`: one chaos soak of the whole pipeline; prints one summary line, exits 1 on FAIL. */
async function main(): Promise<number> {
  let values: { minutes: string; seed?: string | undefined; keep: boolean; help: boolean };
  try {
    ({ values } = parseArgs({ options: { minutes: { type: 'string', default: '3' }, seed: { type: 'string' }, keep: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } } }));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const problems: string[] = [];
  const minutes = Number(values.minutes);
  if (!Number.isFinite(minutes) || minutes <= 0 || minutes > 24 * 60) problems.push(`--minutes: a number of minutes above 0 (at most a day), got "${values.minutes}"`);
  const seed = values.seed === undefined ? Math.floor(Math.random() * 0x7fff_ffff) : Number(values.seed);
  if (!Number.isSafeInteger(seed) || seed < 0) problems.push(`--seed: a non-negative integer, got "${values.seed}"`);
  if (problems.length > 0) {
    process.stderr.write(`${problems.join('\n')}\n${USAGE}\n`);
    return 2;
  }
  const root = repositoryRoot();
  for (const app of ['ingest', 'stream-ingest', 'normalizer']) {
    if (!existsSync(join(root, 'dist', 'apps', app, 'main.cjs'))) problems.push(`dist/apps/${app}/main.cjs is missing: npx nx run-many -t build -p ingest,stream-ingest,normalizer`);
  }
  if (problems.length > 0) {
    process.stderr.write(`${problems.join('\n')}\n`);
    return 2;
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`${signal}: killing the soak's processes\n`);
      SoakPipeline.killAll();
      process.stdout.write('kills=0 broker_restarts=0 lost=0 duplicated=0 dead_letters=0 verdict=FAIL\n');
      setTimeout(() => process.exit(130), 500).unref();
    });
  }
  const result = await runSoak({ root, minutes, seed, keep: values.keep });
  process.stdout.write(`${result.summary}\n`);
  return result.verdict === 'PASS' ? 0 : 1;
}

/** The folder holding nx.json, from the working directory up. */
function repositoryRoot(): string {
  for (let dir = resolve(process.cwd()); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    if (dirname(dir) === dir) throw new Error('run the soak from inside the fluxo repository');
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`soak failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.stdout.write('kills=0 broker_restarts=0 lost=0 duplicated=0 dead_letters=0 verdict=FAIL\n');
    process.exit(1);
  },
);
