// @ts-check
/**
 * Makes a project-local Python (venv) with pyarrow, used by interop tests that read our Parquet
 * files with a second, independent implementation. Idempotent; prints nothing when ready.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const PYARROW_VERSION = '26.0.1';

/** @param {string} root repository root @returns {string} path of the venv's python */
export function ensurePython(root) {
  const venv = join(root, '.fluxo', 'python');
  const python = join(venv, 'bin', 'python');
  if (existsSync(python) && importsPyarrow(python)) return python;
  const system = ['python3', 'python'].find((candidate) => spawnSync(candidate, ['--version']).status === 0);
  if (system === undefined) {
    throw new Error('Python 3 is required for the Parquet interop tests: apt-get install python3 python3-venv');
  }
  if (!existsSync(python)) {
    const made = spawnSync(system, ['-m', 'venv', venv], { stdio: 'inherit' });
    if (made.status !== 0) throw new Error(`Could not create ${venv}: apt-get install python3-venv, then retry`);
  }
  console.log(`[fluxo] installing pyarrow ${PYARROW_VERSION} into ${venv} (first run only)`);
  execFileSync(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', `pyarrow==${PYARROW_VERSION}`], { stdio: 'inherit' });
  if (!importsPyarrow(python)) throw new Error(`pyarrow did not install into ${venv}`);
  return python;
}

/** @param {string} python */
function importsPyarrow(python) {
  return spawnSync(python, ['-c', 'import pyarrow'], { stdio: 'ignore' }).status === 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(ensurePython(join(import.meta.dirname, '..', '..')));
}
