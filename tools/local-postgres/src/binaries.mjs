// @ts-check
/**
 * Finds PostgreSQL's server programs: FLUXO_POSTGRES_BIN_DIR (or the `binDir` option), else Debian's
 * /usr/lib/postgresql/<major>/bin (newest first), else the directories on PATH.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { LocalPostgresError } from './errors.mjs';

export const BIN_DIR_ENV = 'FLUXO_POSTGRES_BIN_DIR';
const DEBIAN_ROOT = '/usr/lib/postgresql';
const PROGRAMS = /** @type {const} */ (['postgres', 'initdb', 'psql']);

/**
 * @typedef {object} Binaries
 * @property {string} binDir
 * @property {string} postgres  the server
 * @property {string} initdb
 * @property {string} psql      readiness probe and `CREATE DATABASE`
 * @property {number} major     e.g. 15
 * @property {string} version   e.g. `15.18`
 */

/**
 * @param {{ binDir?: string, major?: number }} [options]  `major`: the version a data dir was created with
 * @returns {Binaries}
 */
export function findBinaries(options = {}) {
  const explicit = options.binDir ?? process.env[BIN_DIR_ENV];
  const candidates = explicit ? [explicit] : [...debianBinDirs(), ...pathDirs()];
  /** @type {Binaries[]} */
  const found = [];
  for (const binDir of candidates) {
    const binaries = inspect(binDir);
    if (binaries === undefined) continue;
    if (options.major === undefined || binaries.major === options.major) return binaries;
    found.push(binaries);
  }
  if (found.length > 0 && options.major !== undefined) {
    throw new LocalPostgresError(
      'MISSING_BINARIES',
      `The data dir was created by PostgreSQL ${options.major}, but only ${found.map((b) => `${b.version} (${b.binDir})`).join(', ')} is installed. ` +
        `Install it (apt-get install postgresql-${options.major}) or remove the data dir to start afresh.`,
    );
  }
  const where = explicit ? `${explicit} (${options.binDir ? 'binDir option' : BIN_DIR_ENV})` : `${DEBIAN_ROOT}/*/bin or PATH`;
  throw new LocalPostgresError(
    'MISSING_BINARIES',
    `PostgreSQL's server programs (${PROGRAMS.join(', ')}) were not found in ${where}. ` +
      `Install them: apt-get install postgresql (Debian/Ubuntu; .ci/run does this), or set ${BIN_DIR_ENV} to a directory holding them.`,
  );
}

/** Debian's versioned bin directories, newest major first. */
function debianBinDirs() {
  if (!existsSync(DEBIAN_ROOT)) return [];
  return readdirSync(DEBIAN_ROOT)
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(b) - Number(a))
    .map((name) => join(DEBIAN_ROOT, name, 'bin'));
}

function pathDirs() {
  return (process.env['PATH'] ?? '').split(delimiter).filter((dir) => dir !== '');
}

/**
 * @param {string} binDir
 * @returns {Binaries | undefined} undefined when a program is missing or does not say its version
 */
function inspect(binDir) {
  const [postgres, initdb, psql] = PROGRAMS.map((name) => join(binDir, name));
  if (postgres === undefined || initdb === undefined || psql === undefined) return undefined;
  if (![postgres, initdb, psql].every(isExecutable)) return undefined;
  let text;
  try {
    text = execFileSync(postgres, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
  // "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"
  const match = /\(PostgreSQL\) (\d+)(?:\.(\d+))?/.exec(text);
  if (match?.[1] === undefined) return undefined;
  return { binDir, postgres, initdb, psql, major: Number(match[1]), version: match[2] === undefined ? match[1] : `${match[1]}.${match[2]}` };
}

/** @param {string} path */
function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
