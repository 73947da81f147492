// @ts-check
import { existsSync, readFileSync } from 'node:fs';

/**
 * The last `lines` lines of a text file, or '' when it does not exist. Reads the whole file: our logs roll at 10 MB.
 * @param {string} path
 * @param {number} [lines]
 */
export function tail(path, lines = 40) {
  if (!existsSync(path)) return '';
  const all = readFileSync(path, 'utf8').trimEnd().split('\n');
  return all.slice(-lines).join('\n');
}
