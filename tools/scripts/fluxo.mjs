#!/usr/bin/env node
// @ts-check
/**
 * `npx fluxo …` from the repository: runs the built CLI (dist/apps/cli/main.cjs, apps/cli), building
 * it first when it is missing or older than its sources (apps/cli, libs). The build's output goes to
 * stderr, so stdout stays the command's own (pipes, `--json`). See apps/cli/README.md.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const bundle = join(root, 'dist', 'apps', 'cli', 'main.cjs');
const SOURCES = [join(root, 'apps', 'cli', 'src'), join(root, 'libs'), join(root, 'tsconfig.base.json')];

/** Newest modification time of the sources the bundle is built from (specs excluded). */
function newestSource() {
  let newest = 0;
  const walk = (path) => {
    const info = statSync(path, { throwIfNoEntry: false });
    if (info === undefined) return;
    if (info.isDirectory()) {
      for (const name of readdirSync(path)) if (name !== 'node_modules' && !name.startsWith('.')) walk(join(path, name));
    } else if (/\.(ts|json)$/.test(path) && !/\.(int-)?spec\.ts$/.test(path)) newest = Math.max(newest, info.mtimeMs);
  };
  for (const source of SOURCES) walk(source);
  return newest;
}

if (!existsSync(bundle) || statSync(bundle).mtimeMs < newestSource()) {
  const started = Date.now();
  process.stderr.write(`[fluxo] ${existsSync(bundle) ? 'sources changed: rebuilding' : 'first use: building'} the CLI (npx nx build cli)…\n`);
  const build = spawnSync('npx', ['nx', 'build', 'cli', '--outputStyle=static'], { cwd: root, stdio: ['ignore', 2, 2], env: { ...process.env, NX_DAEMON: 'false' } });
  if (build.status !== 0 || !existsSync(bundle)) {
    process.stderr.write('[fluxo] the build failed (see above); the CLI cannot run.\n');
    process.exit(5);
  }
  process.stderr.write(`[fluxo] built in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

// The bundle reads process.argv.slice(2): the same arguments this launcher was given.
createRequire(import.meta.url)(bundle);
