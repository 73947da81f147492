// @ts-check
/**
 * Bundles `bench/lib/fluxo-libs.ts` (public entries of the fluxo libraries, the normalizer's commit
 * path from libs/curation included) into one CommonJS file the plain-ESM bench scripts can require.
 * Takes well under a second; done at the start of every bench run so it never goes stale.
 */
import { existsSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { BUILD_DIR, ROOT } from './paths.mjs';

const require = createRequire(import.meta.url);

/** @returns {Promise<string>} path of the bundle */
export async function buildFluxoLibs() {
  const esbuild = require('esbuild');
  const outfile = join(BUILD_DIR, 'fluxo-libs.cjs');
  await esbuild.build({
    entryPoints: [join(ROOT, 'bench', 'lib', 'fluxo-libs.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['@duckdb/*', 'kafkajs'],
    tsconfig: join(ROOT, 'tsconfig.base.json'),
    logLevel: 'warning',
  });
  return outfile;
}

/**
 * The bundled module. A bench run freezes its bundle (`freezeFluxoLibs`) and its child processes
 * load that copy (FLUXO_BENCH_LIBS), so code edited while a long run goes on never mixes into it.
 * @returns {Promise<any>}
 */
export async function loadFluxoLibs() {
  const frozen = process.env['FLUXO_BENCH_LIBS'];
  return require(frozen !== undefined && existsSync(frozen) ? frozen : await buildFluxoLibs());
}

/** Builds the bundle once for this run and points FLUXO_BENCH_LIBS (inherited by children) at a copy of it. @param {string} runId */
export async function freezeFluxoLibs(runId) {
  const frozen = join(BUILD_DIR, `fluxo-libs-${runId}.cjs`);
  await copyFile(await buildFluxoLibs(), frozen);
  process.env['FLUXO_BENCH_LIBS'] = frozen;
  return frozen;
}
