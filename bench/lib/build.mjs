// @ts-check
/**
 * Bundles `bench/lib/fluxo-libs.ts` (public entries of libs/schema and libs/parquet-io, plus the
 * normalizer's curated SELECT) into one CommonJS file the plain-ESM bench scripts can require.
 * Takes well under a second; done at the start of every bench run so it never goes stale.
 */
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

/** @returns {Promise<any>} the bundled module */
export async function loadFluxoLibs() {
  return require(await buildFluxoLibs());
}
