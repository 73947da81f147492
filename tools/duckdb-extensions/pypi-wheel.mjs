// @ts-check
/**
 * A DuckDB extension from its PyPI wheel, in Node alone: the release's file list from PyPI's JSON
 * API, the wheel for this platform downloaded and checked against PyPI's SHA-256, and the one
 * `<name>.duckdb_extension` entry inflated out of the zip. No Python, no venv: what a fresh machine
 * needs at its first `npm start` (the venv-based path created a venv and installed pyarrow first,
 * ~30 s). DuckDB still verifies the extension's own signature when it loads it.
 */
import { createHash } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';

/** DuckDB platform → what the wheel's file name must contain. */
const WHEEL_TAGS = /** @type {Record<string, readonly string[]>} */ ({
  linux_amd64: ['manylinux', 'x86_64'],
  linux_arm64: ['manylinux', 'aarch64'],
  osx_arm64: ['macosx', 'arm64'],
  osx_amd64: ['macosx', 'x86_64'],
  windows_amd64: ['win_amd64'],
});

/**
 * @param {{ name: string, pypi: string }} ext
 * @param {string} version DuckDB version without the leading v (`1.5.5`)
 * @param {string} platform DuckDB platform (`linux_amd64`)
 * @param {string} target directory of `<name>.duckdb_extension`
 * @returns {Promise<string | null>} null on success, else why not
 */
export async function installFromPyPIWheel(ext, version, platform, target) {
  const tags = WHEEL_TAGS[platform];
  if (tags === undefined) return `no wheel naming rule for platform ${platform}`;
  try {
    const project = await fetch(`https://pypi.org/pypi/${ext.pypi}/json`, { signal: AbortSignal.timeout(30_000) });
    if (!project.ok) return `PyPI answered ${project.status} for ${ext.pypi}`;
    const files = /** @type {{ releases?: Record<string, { filename: string, url: string, digests: { sha256: string } }[]> }} */ (await project.json()).releases?.[version] ?? [];
    const wheel = files.find((file) => file.filename.endsWith('.whl') && tags.every((tag) => file.filename.includes(tag)));
    if (wheel === undefined) return `${ext.pypi} ${version} has no wheel for ${platform}`;
    const download = await fetch(wheel.url, { signal: AbortSignal.timeout(300_000) });
    if (!download.ok) return `downloading ${wheel.filename}: HTTP ${download.status}`;
    const bytes = Buffer.from(await download.arrayBuffer());
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (sha256 !== wheel.digests.sha256) return `${wheel.filename}: SHA-256 ${sha256} differs from PyPI's ${wheel.digests.sha256}`;
    const entry = unzipEntry(bytes, `${ext.name}.duckdb_extension`);
    if (entry === null) return `${wheel.filename} holds no ${ext.name}.duckdb_extension`;
    await mkdir(target, { recursive: true });
    const partial = join(target, `${ext.name}.duckdb_extension.${process.pid}.partial`);
    await writeFile(partial, entry);
    await rename(partial, join(target, `${ext.name}.duckdb_extension`));
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * The content of the first zip entry whose name ends with `/<suffix>` (or is `suffix`): the central
 * directory is read from the end-of-central-directory record; stored and deflated entries only.
 * @param {Buffer} zip
 * @param {string} suffix
 * @returns {Buffer | null}
 */
export function unzipEntry(zip, suffix) {
  let end = -1;
  for (let at = zip.length - 22; at >= Math.max(0, zip.length - 22 - 65_535); at -= 1) {
    if (zip.readUInt32LE(at) === 0x06054b50) {
      end = at;
      break;
    }
  }
  if (end < 0) throw new Error('not a zip file (no end of central directory)');
  const entries = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  for (let index = 0; index < entries; index += 1) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('corrupt zip central directory');
    const method = zip.readUInt16LE(at + 10);
    const compressed = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localHeader = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    at += 46 + nameLength + extraLength + commentLength;
    if (name !== suffix && !name.endsWith(`/${suffix}`)) continue;
    if (zip.readUInt32LE(localHeader) !== 0x04034b50) throw new Error('corrupt zip local header');
    const start = localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
    const data = zip.subarray(start, start + compressed);
    if (method === 0) return Buffer.from(data);
    if (method === 8) return inflateRawSync(data);
    throw new Error(`zip entry ${name} uses compression method ${method}`);
  }
  return null;
}
