// @ts-check
/**
 * Builds the Versity S3 Gateway once per machine with `go install <module>@<version>` into a
 * temporary GOBIN, then renames it to `.fluxo/s3/bin/<version>/`: an interrupted build never leaves
 * a half-written binary where the next run looks. Only Go is needed (the module pins Go 1.25; a
 * newer go builds it, an older one fetches that toolchain itself unless GOTOOLCHAIN=local).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { LocalS3Error } from './errors.mjs';
import { BIN_DIR, VERSITYGW_MODULE, VERSITYGW_VERSION } from './paths.mjs';

/**
 * @typedef {object} S3Installation
 * @property {string} binary   absolute path of `versitygw`
 * @property {string} version  e.g. v1.8.0
 * @property {boolean} built   true when this call built it (false: it was already there)
 * @property {number} tookMs   how long the build took (0 when already there)
 */

/**
 * Makes sure the gateway binary is there; builds it when missing.
 * @param {{ binDir?: string, log?: (message: string) => void }} [options]
 * @returns {Promise<S3Installation>}
 */
export async function installS3(options = {}) {
  const binDir = options.binDir ?? BIN_DIR;
  const binary = join(binDir, 'versitygw');
  if (existsSync(binary)) return { binary, version: VERSITYGW_VERSION, built: false, tookMs: 0 };
  const go = await goVersion();
  const staging = join(dirname(binDir), `.${VERSITYGW_VERSION}.tmp-${randomBytes(4).toString('hex')}`);
  options.log?.(`building Versity S3 Gateway ${VERSITYGW_VERSION} with ${go} into ${binDir} (once per machine; several minutes)`);
  const started = Date.now();
  await mkdir(staging, { recursive: true });
  try {
    const result = await run('go', ['install', `${VERSITYGW_MODULE}@${VERSITYGW_VERSION}`], { ...process.env, GOBIN: staging, CGO_ENABLED: '0' });
    if (result.code !== 0) throw new LocalS3Error(`go install ${VERSITYGW_MODULE}@${VERSITYGW_VERSION} failed (exit ${result.code}):\n${result.output.trim().split('\n').slice(-20).join('\n')}`);
    await rm(binDir, { recursive: true, force: true });
    await rename(staging, binDir);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  const tookMs = Date.now() - started;
  options.log?.(`built ${binary} in ${(tookMs / 1000).toFixed(0)} s`);
  return { binary, version: VERSITYGW_VERSION, built: true, tookMs };
}

/** `go version`'s answer, or one error naming the fix when Go is missing. */
async function goVersion() {
  try {
    const result = await run('go', ['version'], process.env);
    if (result.code === 0) return result.output.trim().replace(/^go version /, '');
  } catch (error) {
    if (/** @type {{ code?: unknown }} */ (error).code !== 'ENOENT') throw error;
  }
  throw new LocalS3Error(
    `Go is needed once to build the local S3 server (Versity S3 Gateway ${VERSITYGW_VERSION}, Go 1.25+), but \`go\` was not found on PATH. ` +
      'Install it from https://go.dev/dl/ (or put an existing Go on PATH), then run: node tools/local-s3/s3.mjs install',
    2,
  );
}

/**
 * @param {string} command
 * @param {string[]} args
 * @param {NodeJS.ProcessEnv} env
 * @returns {Promise<{ code: number, output: string }>}
 */
function run(command, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? 1, output }));
  });
}
