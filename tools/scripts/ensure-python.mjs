// @ts-check
/**
 * Makes a project-local Python (venv in `.fluxo/python`) for the interop tests that read our Parquet
 * files with independent implementations: pyarrow, and PySpark in local mode (the JVM engine itself,
 * ~490 MB, not the thin `pyspark-client`). Exact pins; installs only what is missing or differs,
 * once per machine. Idempotent; prints nothing when ready (the CLI prints the interpreter's path).
 *
 *   const python = ensurePython(root);                             // pyarrow + pyspark
 *   const python = ensurePython(root, { packages: ['pyarrow'] });  // pyarrow only (no Spark download)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const PYARROW_VERSION = '26.0.1';
/** Spark 4.1 (Scala 2.13, Java 17+); `pyspark` bundles the Spark jars, so local mode needs no cluster. */
export const PYSPARK_VERSION = '4.1.4';

/** @typedef {'pyarrow' | 'pyspark'} PythonPackage */

/** @type {Record<PythonPackage, { version: string, note: string }>} */
const PINS = {
  pyarrow: { version: PYARROW_VERSION, note: '~170 MB' },
  pyspark: { version: PYSPARK_VERSION, note: '~490 MB, Spark in local mode; Java 17+ to run it' },
};

/**
 * @param {string} root repository root
 * @param {{ packages?: readonly PythonPackage[] }} [options] what the caller needs (default: all)
 * @returns {string} path of the venv's python
 */
export function ensurePython(root, { packages = /** @type {PythonPackage[]} */ (Object.keys(PINS)) } = {}) {
  const venv = join(root, '.fluxo', 'python');
  const python = join(venv, 'bin', 'python');
  if (existsSync(python) && missingPackages(python, packages).length === 0) return python;
  if (!existsSync(python)) createVenv(venv);
  const missing = missingPackages(python, packages);
  for (const name of missing) console.log(`[fluxo] installing ${name} ${PINS[name].version} into ${venv} (first run only, ${PINS[name].note})`);
  execFileSync(
    python,
    ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-input', ...missing.map((name) => `${name}==${PINS[name].version}`)],
    { stdio: 'inherit' },
  );
  const still = missingPackages(python, packages);
  if (still.length > 0) throw new Error(`${still.join(', ')} did not install into ${venv}`);
  return python;
}

/** @param {string} venv */
function createVenv(venv) {
  const system = ['python3', 'python'].find((candidate) => spawnSync(candidate, ['--version']).status === 0);
  if (system === undefined) {
    throw new Error('Python 3 is required for the Parquet interop tests: apt-get install python3 python3-venv');
  }
  const made = spawnSync(system, ['-m', 'venv', venv], { stdio: 'inherit' });
  if (made.status !== 0) throw new Error(`Could not create ${venv}: apt-get install python3-venv, then retry`);
}

/**
 * The packages not installed at their pinned version. Reads the installed metadata only (~50 ms;
 * importing pyspark would start nothing but costs more).
 * @param {string} python @param {readonly PythonPackage[]} packages @returns {PythonPackage[]}
 */
function missingPackages(python, packages) {
  const script = [
    'import json, sys',
    'from importlib import metadata',
    'def version(name):',
    '    try:',
    '        return metadata.version(name)',
    '    except metadata.PackageNotFoundError:',
    '        return None',
    'print(json.dumps({name: version(name) for name in sys.argv[1:]}))',
  ].join('\n');
  const out = spawnSync(python, ['-c', script, ...packages], { encoding: 'utf8' });
  if (out.status !== 0) return [...packages];
  /** @type {Record<string, string | null>} */
  const installed = JSON.parse(out.stdout);
  return packages.filter((name) => installed[name] !== PINS[name].version);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(ensurePython(join(import.meta.dirname, '..', '..')));
}
