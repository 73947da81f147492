// @ts-check
/**
 * S3A (`s3a://`) for the local Spark server: hadoop-aws at pyspark's hadoop version plus the AWS SDK v2
 * modules it needs (s3, s3-transfer-manager, sts; not the 500 MB `bundle`), resolved once per machine by
 * `mvn dependency:copy-dependencies` from `tools/local-spark/s3a/pom.xml` into
 * `.fluxo/spark-s3a/<hadoop version>/`, minus every artifact pyspark's `jars/` already ship (the same
 * artifact twice on one classpath, in two versions, is how Spark jobs break). The copy goes to a temporary
 * directory first and is renamed into place, so an interrupted install never leaves half a classpath;
 * a stamp with the pom's sha256 makes it idempotent.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { capture, isMissingCommand } from '../../local-kafka/src/exec.mjs';
import { LocalSparkError } from './errors.mjs';
import { REPO_ROOT, TOOL_DIR } from './paths.mjs';

export const S3A_POM_DIR = join(TOOL_DIR, 's3a');
export const S3A_JARS_ROOT = join(REPO_ROOT, '.fluxo', 'spark-s3a');
const STAMP_FILE = '.pom.sha256';

/**
 * Artifacts pyspark ships under another name: drop ours. commons-logging's classes come from jcl-over-slf4j.
 * @type {Readonly<Record<string, string>>}
 */
const SHIPPED_AS = { 'commons-logging': 'jcl-over-slf4j' };

/** `netty-codec-http-4.1.115.Final.jar` → `netty-codec-http` (classifier-free artifact id). @param {string} file */
export function artifactOf(file) {
  return file.replace(/\.jar$/, '').replace(/-\d[\w.]*(-(linux|osx|windows)-[\w-]+)?$/, '');
}

/**
 * The resolved jars to keep: those whose artifact pyspark does not already ship.
 * @param {readonly string[]} resolved  file names from `mvn dependency:copy-dependencies`
 * @param {readonly string[]} shipped   file names in pyspark's `jars/`
 * @returns {string[]}
 */
export function jarsToKeep(resolved, shipped) {
  const present = new Set(shipped.filter((name) => name.endsWith('.jar')).map(artifactOf));
  return resolved.filter((name) => {
    if (!name.endsWith('.jar')) return false;
    const artifact = artifactOf(name);
    const alias = SHIPPED_AS[artifact];
    return !present.has(artifact) && !(alias !== undefined && present.has(alias));
  });
}

/** The `<hadoop.version>` the pom pins. @returns {Promise<{ pom: string, hadoopVersion: string }>} */
async function readPom() {
  const pom = await readFile(join(S3A_POM_DIR, 'pom.xml'), 'utf8');
  const hadoopVersion = /<hadoop\.version>([^<]+)<\/hadoop\.version>/.exec(pom)?.[1];
  if (hadoopVersion === undefined) throw new LocalSparkError(`${join(S3A_POM_DIR, 'pom.xml')} has no <hadoop.version>`);
  return { pom, hadoopVersion };
}

/** @param {string} dir @returns {string[]} absolute paths of the jars in dir */
function listJars(dir) {
  return readdirSync(dir).filter((name) => name.endsWith('.jar')).sort().map((name) => join(dir, name));
}

/**
 * Installs the S3A jars unless they are there for the current pom; returns their absolute paths.
 * Fails with one clear message when Maven is missing or the pom's hadoop differs from pyspark's.
 * @param {{ sparkHome: string, log?: (message: string) => void }} options
 * @returns {Promise<{ dir: string, jars: string[], changed: boolean }>}
 */
export async function installS3aJars({ sparkHome, log }) {
  const { pom, hadoopVersion } = await readPom();
  const pysparkJars = readdirSync(join(sparkHome, 'jars'));
  const hadoopJar = pysparkJars.find((name) => /^hadoop-client-api-.*\.jar$/.test(name));
  if (hadoopJar !== `hadoop-client-api-${hadoopVersion}.jar`) {
    throw new LocalSparkError(`pyspark ships ${hadoopJar ?? 'no hadoop-client-api'} but tools/local-spark/s3a/pom.xml pins hadoop-aws ${hadoopVersion}: make <hadoop.version> equal pyspark's hadoop`, 2);
  }
  const dir = join(S3A_JARS_ROOT, hadoopVersion);
  const digest = createHash('sha256').update(pom).digest('hex');
  const stamp = join(dir, STAMP_FILE);
  if (existsSync(stamp) && (await readFile(stamp, 'utf8')).trim() === digest) return { dir, jars: listJars(dir), changed: false };

  try {
    const mvn = await capture('mvn', ['-v']);
    if (mvn.code !== 0) throw new Error(mvn.output);
  } catch (error) {
    const detail = isMissingCommand(error) ? 'no `mvn` was found' : '`mvn -v` failed';
    throw new LocalSparkError(`Maven is required to fetch hadoop-aws ${hadoopVersion} (S3A) from Maven Central (${detail}): apt-get install maven.`, 2);
  }
  log?.(`resolving hadoop-aws ${hadoopVersion} and the AWS SDK v2 modules with Maven into ${dir} (first run only)`);
  const resolved = `${dir}.resolve-${process.pid}`;
  const staging = `${dir}.tmp-${process.pid}`;
  await Promise.all([rm(resolved, { recursive: true, force: true }), rm(staging, { recursive: true, force: true })]);
  await mkdir(staging, { recursive: true });
  try {
    const args = ['-q', '-B', '-s', join(S3A_POM_DIR, 'maven-settings.xml'), '-f', join(S3A_POM_DIR, 'pom.xml'), 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${resolved}`];
    const result = await capture('mvn', args);
    if (result.code !== 0) throw new LocalSparkError(`mvn ${args.join(' ')} failed (exit ${result.code}):\n${result.output.trim()}`);
    for (const name of jarsToKeep(readdirSync(resolved), pysparkJars)) await rename(join(resolved, name), join(staging, name));
    await writeFile(join(staging, STAMP_FILE), `${digest}\n`);
    await rm(dir, { recursive: true, force: true });
    try {
      await rename(staging, dir);
    } catch (error) {
      // another install (a second checkout's test run) renamed the same jars into place first
      const code = /** @type {NodeJS.ErrnoException} */ (error).code;
      if (!((code === 'ENOTEMPTY' || code === 'EEXIST') && existsSync(stamp) && (await readFile(stamp, 'utf8')).trim() === digest)) throw error;
    }
  } finally {
    await Promise.all([rm(resolved, { recursive: true, force: true }), rm(staging, { recursive: true, force: true })]);
  }
  return { dir, jars: listJars(dir), changed: true };
}
