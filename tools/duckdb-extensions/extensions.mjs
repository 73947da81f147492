// @ts-check
/**
 * Provides the DuckDB extensions fluxo loads at run time (DuckLake, its catalog back ends, and httpfs
 * for the lake on S3-compatible storage) in a
 * project-local extension directory, once per machine:
 *
 *   1. DuckDB's official extension repository (`INSTALL <name>`), as any DuckDB user gets them;
 *   2. if that cannot be reached, PyPI's `duckdb-extension-<name>` wheels, which carry the same
 *      official signed binaries: fetched and unpacked by Node itself (pypi-wheel.mjs), else with pip
 *      in the project's venv.
 *
 * The extensions are fetched in parallel.
 *
 * Either way DuckDB verifies the signature when it loads the file (unsigned extensions stay
 * refused). Fails with one message naming what to do when neither source works.
 *
 *   const dir = await ensureDuckDBExtensions({ root, log: console.log });
 *   // → <root>/.fluxo/duckdb-extensions, ready for ParquetEngine.open({ extensionDirectory: dir })
 */
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { ensurePython } from '../scripts/ensure-python.mjs';
import { installFromPyPIWheel } from './pypi-wheel.mjs';

/** The extensions fluxo needs, with the name of the PyPI package carrying each. */
export const DUCKDB_EXTENSIONS = /** @type {const} */ ([
  { name: 'ducklake', pypi: 'duckdb-extension-ducklake' },
  { name: 'sqlite_scanner', pypi: 'duckdb-extension-sqlite-scanner' },
  { name: 'postgres_scanner', pypi: 'duckdb-extension-postgres-scanner' },
  { name: 'httpfs', pypi: 'duckdb-extension-httpfs' },
]);

/** Where the extensions live, relative to the repository root (FLUXO_DUCKDB_EXTENSION_DIR's default). */
export const DEFAULT_EXTENSION_DIR = join('.fluxo', 'duckdb-extensions');

/**
 * @param {{ root: string, dir?: string, log?: (message: string) => void }} options
 * @returns {Promise<string>} the extension directory
 */
export async function ensureDuckDBExtensions({ root, dir = join(root, DEFAULT_EXTENSION_DIR), log = () => undefined }) {
  const { version, platform } = await duckdbBuild();
  const target = join(dir, version, platform);
  const missing = DUCKDB_EXTENSIONS.filter((ext) => !existsSync(join(target, `${ext.name}.duckdb_extension`)));
  if (missing.length === 0) return dir;
  log(`installing DuckDB ${version} extensions ${missing.map((e) => e.name).join(', ')} into ${dir} (first run only)`);
  /** @type {string[]} */
  const failures = [];
  await Promise.all(
    missing.map(async (ext) => {
      const official = await installOfficial(dir, ext.name);
      if (official === null) return;
      const wheel = await installFromPyPIWheel(ext, version.replace(/^v/, ''), platform, target);
      if (wheel === null) return;
      log(`${ext.name}: PyPI wheel without pip failed (${wheel}); trying pip`);
      const pypi = await installFromPyPI(root, target, ext, version.replace(/^v/, ''));
      if (pypi !== null) failures.push(`${ext.name}: official repository: ${official}; PyPI ${ext.pypi}: ${wheel}; with pip: ${pypi}`);
    }),
  );
  if (failures.length > 0) {
    throw new Error(
      `Could not install the DuckDB extensions fluxo needs (DuckLake catalog):\n  ${failures.join('\n  ')}\n` +
        `Reach DuckDB's extension repository or PyPI, or put the signed ${version}/${platform} files into ${dir} yourself.`,
    );
  }
  await verifyLoad(dir);
  return dir;
}

async function duckdbBuild() {
  const instance = await DuckDBInstance.create(':memory:');
  try {
    const connection = await instance.connect();
    const rows = (await connection.runAndReadAll(`SELECT library_version AS v, (SELECT platform FROM pragma_platform()) AS p FROM pragma_version()`)).getRowObjectsJson();
    connection.closeSync();
    return { version: String(rows[0]?.['v']), platform: String(rows[0]?.['p']) };
  } finally {
    instance.closeSync();
  }
}

/** @param {string} dir @param {string} name @returns {Promise<string | null>} null on success, else why not */
async function installOfficial(dir, name) {
  const instance = await DuckDBInstance.create(':memory:', { extension_directory: dir, autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
  try {
    const connection = await instance.connect();
    try {
      await connection.run(`INSTALL ${name}`);
      return null;
    } catch (error) {
      return firstLine(error);
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

/**
 * @param {string} root @param {string} target @param {{ name: string, pypi: string }} ext @param {string} version
 * @returns {Promise<string | null>} null on success, else why not
 */
async function installFromPyPI(root, target, ext, version) {
  const work = await mkdtemp(join(tmpdir(), 'fluxo-duckdb-ext-'));
  try {
    const python = ensurePython(root, { packages: ['pyarrow'] });
    execFileSync(python, ['-m', 'pip', 'download', '--quiet', '--disable-pip-version-check', '--no-deps', '--only-binary=:all:', '-d', work, `${ext.pypi}==${version}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    const wheel = (await readdir(work)).find((name) => name.endsWith('.whl'));
    if (wheel === undefined) return 'no wheel was downloaded';
    execFileSync(python, ['-m', 'zipfile', '-e', join(work, wheel), join(work, 'unpacked')]);
    const file = await findFile(join(work, 'unpacked'), `${ext.name}.duckdb_extension`);
    if (file === null) return `${wheel} holds no ${ext.name}.duckdb_extension`;
    await mkdir(target, { recursive: true });
    await copyFile(file, join(target, `${ext.name}.duckdb_extension.partial`));
    const { rename } = await import('node:fs/promises');
    await rename(join(target, `${ext.name}.duckdb_extension.partial`), join(target, `${ext.name}.duckdb_extension`));
    return null;
  } catch (error) {
    return firstLine(error);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** @param {string} dir @param {string} name @returns {Promise<string | null>} */
async function findFile(dir, name) {
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name === name) return join(entry.parentPath, entry.name);
  }
  return null;
}

/** Loads every extension once, with signature checks on, so a bad file fails here and not in an app. */
/** @param {string} dir */
async function verifyLoad(dir) {
  const instance = await DuckDBInstance.create(':memory:', { extension_directory: dir, autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
  try {
    const connection = await instance.connect();
    for (const ext of DUCKDB_EXTENSIONS) await connection.run(`LOAD ${ext.name}`);
    connection.closeSync();
  } finally {
    instance.closeSync();
  }
}

/** @param {unknown} error */
function firstLine(error) {
  const text = error instanceof Error ? ('stderr' in error && error.stderr ? String(error.stderr) : error.message) : String(error);
  return text.trim().split('\n')[0] ?? 'unknown error';
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = join(import.meta.dirname, '..', '..');
  ensureDuckDBExtensions({ root, log: (message) => console.log(`[fluxo] ${message}`) }).then(
    (dir) => console.log(dir),
    (error) => {
      console.error(`[fluxo] ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
