// @ts-check
/**
 * The Spark Connect server comes from PyPI's pyspark (tools/scripts/ensure-python.mjs installs it into
 * `.fluxo/python`, pinned): its `jars/` hold Spark and, since 4.1, `spark-connect_2.13` — the server
 * itself. One addition, fetched once per machine with Maven: the S3A jars (hadoop-aws and the AWS SDK v2
 * modules, s3a-jars.mjs), so every server we start reads and writes `s3a://`. Java 17+ and Maven are needed.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { capture, isMissingCommand, javaCommand } from '../../local-kafka/src/exec.mjs';
import { ensurePython, PYSPARK_VERSION } from '../../scripts/ensure-python.mjs';
import { LocalSparkError } from './errors.mjs';
import { REPO_ROOT } from './paths.mjs';
import { installS3aJars } from './s3a-jars.mjs';

const MIN_JAVA_MAJOR = 17;

/**
 * @typedef {object} SparkInstallation
 * @property {string} sparkHome    the pyspark package directory (SPARK_HOME)
 * @property {string} sparkSubmit  `<sparkHome>/bin/spark-submit`
 * @property {string} version      pyspark's version, e.g. 4.1.4
 * @property {string} connectJar   the server jar inside `<sparkHome>/jars`
 * @property {string[]} s3aJars    hadoop-aws and the AWS SDK modules (`.fluxo/spark-s3a/<hadoop>/`), for `spark.jars`
 */

/**
 * Makes sure pyspark (with the Connect server jar), the S3A jars and Java are there; installs what is missing.
 * @param {{ log?: (message: string) => void }} [options]
 * @returns {Promise<SparkInstallation>}
 */
export async function installSpark(options = {}) {
  await checkJava();
  let python;
  try {
    python = ensurePython(REPO_ROOT, { packages: ['pyspark'] });
  } catch (error) {
    throw new LocalSparkError(`Could not install pyspark ${PYSPARK_VERSION}: ${error instanceof Error ? error.message : String(error)}`, 2);
  }
  const located = await capture(python, ['-c', 'import os, pyspark; print(os.path.dirname(pyspark.__file__)); print(pyspark.__version__)']);
  const [sparkHome, version] = located.output.trim().split('\n').slice(-2);
  if (located.code !== 0 || sparkHome === undefined || version === undefined) throw new LocalSparkError(`pyspark is not importable from ${python}:\n${located.output.trim()}`);
  const jars = join(sparkHome, 'jars');
  const connectJar = existsSync(jars) ? readdirSync(jars).find((name) => /^spark-connect_2\.13-.*\.jar$/.test(name)) : undefined;
  if (connectJar === undefined) {
    throw new LocalSparkError(`pyspark ${version} in ${sparkHome} has no spark-connect_2.13 jar; use pyspark 4.1 or later (ensure-python.mjs pins ${PYSPARK_VERSION})`, 2);
  }
  const s3a = await installS3aJars({ sparkHome, log: options.log });
  options.log?.(`Spark ${version} from ${sparkHome}, S3A from ${s3a.dir}`);
  return { sparkHome, sparkSubmit: join(sparkHome, 'bin', 'spark-submit'), version, connectJar: join(jars, connectJar), s3aJars: s3a.jars };
}

async function checkJava() {
  /** @type {number | undefined} */
  let major;
  try {
    const { output } = await capture(javaCommand(), ['-version']);
    const match = /version "(\d+)(?:\.(\d+))?/.exec(output);
    major = match ? (Number(match[1]) === 1 ? Number(match[2]) : Number(match[1])) : undefined;
  } catch (error) {
    if (!isMissingCommand(error)) throw error;
  }
  if (major === undefined || major < MIN_JAVA_MAJOR) {
    const found = major === undefined ? 'no `java` was found' : `found Java ${major}`;
    throw new LocalSparkError(`Java ${MIN_JAVA_MAJOR}+ is required to run Spark (${found}): apt-get install openjdk-17-jre-headless, or set JAVA_HOME.`, 2);
  }
}
