// @ts-check
/**
 * Resolves the broker's classpath from Maven Central (via `mvn`) into `.fluxo/kafka/lib`.
 * A stamp with the pom's sha256 makes the copy idempotent; the copy goes to a temporary directory
 * first so an interrupted install never leaves a half-filled lib directory behind.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { capture, isMissingCommand, javaCommand } from './exec.mjs';
import { LocalKafkaError } from './errors.mjs';
import { modeFiles } from './paths.mjs';

const STAMP_FILE = '.pom.sha256';
const MIN_JAVA_MAJOR = 17;

/**
 * Fails with one actionable message when Java 17+ or Maven is missing.
 * @returns {Promise<{ javaMajor: number }>}
 */
export async function checkPrerequisites() {
  const javaMajor = await javaMajorVersion();
  if (javaMajor === undefined || javaMajor < MIN_JAVA_MAJOR) {
    const found = javaMajor === undefined ? 'no `java` was found' : `found Java ${javaMajor}`;
    throw new LocalKafkaError(
      `Java ${MIN_JAVA_MAJOR}+ is required to run the local Kafka broker (${found}): apt-get install openjdk-17-jre-headless, or set JAVA_HOME.`,
      2,
    );
  }
  try {
    const mvn = await capture('mvn', ['-v']);
    if (mvn.code !== 0) throw new Error(mvn.output);
  } catch (error) {
    const detail = isMissingCommand(error) ? 'no `mvn` was found' : '`mvn -v` failed';
    throw new LocalKafkaError(`Maven is required to fetch the Kafka jars from Maven Central (${detail}): apt-get install maven.`, 2);
  }
  return { javaMajor };
}

/** @returns {Promise<number | undefined>} */
async function javaMajorVersion() {
  try {
    const { output } = await capture(javaCommand(), ['-version']);
    // `openjdk version "17.0.15" …` or, before Java 9, `java version "1.8.0_402"`.
    const match = /version "(\d+)(?:\.(\d+))?/.exec(output);
    if (!match) return undefined;
    const first = Number(match[1]);
    return first === 1 ? Number(match[2]) : first;
  } catch (error) {
    if (isMissingCommand(error)) return undefined;
    throw error;
  }
}

/** @param {string} pomPath @returns {Promise<string>} */
async function pomDigest(pomPath) {
  return createHash('sha256').update(await readFile(pomPath)).digest('hex');
}

/**
 * True when `libDir` holds the classpath of the current pom.
 * @param {string} [libDir]
 * @param {string} [pomPath]
 */
export async function isInstalled(libDir = modeFiles('kraft').libDir, pomPath = modeFiles('kraft').pomPath) {
  const stamp = join(libDir, STAMP_FILE);
  if (!existsSync(stamp)) return false;
  const [recorded, current] = await Promise.all([readFile(stamp, 'utf8'), pomDigest(pomPath)]);
  return recorded.trim() === current && readdirSync(libDir).some((name) => /^kafka_2\.13-.*\.jar$/.test(name));
}

/**
 * Copies the broker's runtime jars into `libDir` unless they are already there for this pom.
 * `mode: 'zookeeper'` installs Kafka 3.9 with ZooKeeper (pom-zookeeper.xml) into its own directory.
 * @param {{ libDir?: string, log?: (message: string) => void, mode?: import('./paths.mjs').BrokerMode }} [options]
 * @returns {Promise<{ libDir: string, changed: boolean }>}
 */
export async function installKafka(options = {}) {
  const files = modeFiles(options.mode ?? 'kraft');
  const libDir = options.libDir ?? files.libDir;
  const pomPath = files.pomPath;
  const log = options.log ?? (() => undefined);
  await checkPrerequisites();
  if (await isInstalled(libDir, pomPath)) return { libDir, changed: false };

  log(`resolving the Kafka ${options.mode === 'zookeeper' ? '3.9 + ZooKeeper ' : ''}jars with Maven into ${libDir} (first run only)…`);
  const staging = `${libDir}.tmp-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(dirname(libDir), { recursive: true });
  const args = ['-q', '-B', '-f', pomPath, 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${staging}`];
  const result = await capture('mvn', args);
  if (result.code !== 0) {
    await rm(staging, { recursive: true, force: true });
    throw new LocalKafkaError(`mvn ${args.join(' ')} failed (exit ${result.code}):\n${result.output.trim()}`);
  }
  await writeFile(join(staging, STAMP_FILE), `${await pomDigest(pomPath)}\n`);
  await rm(libDir, { recursive: true, force: true });
  await rename(staging, libDir);
  return { libDir, changed: true };
}
