// @ts-check
/**
 * Installs the PySpark baseline once (idempotent, ~500 MB download the first time):
 *  - a venv in `.fluxo/bench-python` with the pinned `pyspark` from PyPI;
 *  - the Kafka connector of Structured Streaming (`org.apache.spark:spark-sql-kafka-0-10_2.13`,
 *    same version) and its runtime dependencies, resolved by `mvn dependency:copy-dependencies` from
 *    `bench/spark/pom.xml` into `.fluxo/spark-jars`, minus the jars pyspark already ships (same
 *    artifact in another version on one classpath is how Spark jobs break).
 *
 *   node bench/spark/setup.mjs          # prints the python path and the jars, or why it failed
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, SPARK_JARS_DIR, SPARK_PYTHON_DIR } from '../lib/paths.mjs';

/** Must equal `spark.version` in bench/spark/pom.xml (checked below). */
export const PYSPARK_VERSION = '4.1.1';
const SPARK_DIR = join(ROOT, 'bench', 'spark');
const STAMP = join(SPARK_JARS_DIR, '.pom.sha256');

/** @returns {{ python: string, jars: string[] }} */
export function ensureSpark(log = (/** @type {string} */ m) => console.log(m)) {
  const pom = readFileSync(join(SPARK_DIR, 'pom.xml'), 'utf8');
  const pomVersion = /<spark\.version>([^<]+)<\/spark\.version>/.exec(pom)?.[1];
  if (pomVersion !== PYSPARK_VERSION) throw new Error(`bench/spark/pom.xml pins Spark ${pomVersion}, setup.mjs pins pyspark ${PYSPARK_VERSION}: make them equal`);
  const python = ensurePyspark(log);
  return { python, jars: ensureJars(python, pom, log) };
}

/** @param {(m: string) => void} log */
function ensurePyspark(log) {
  const python = join(SPARK_PYTHON_DIR, 'bin', 'python');
  if (existsSync(python) && installedPyspark(python) === PYSPARK_VERSION) return python;
  if (!existsSync(python)) {
    const system = ['python3', 'python'].find((c) => spawnSync(c, ['--version']).status === 0);
    if (system === undefined) throw new Error('Python 3 is required for the PySpark baseline: apt-get install python3 python3-venv');
    const made = spawnSync(system, ['-m', 'venv', SPARK_PYTHON_DIR], { stdio: 'inherit' });
    if (made.status !== 0) throw new Error(`could not create ${SPARK_PYTHON_DIR}: apt-get install python3-venv`);
  }
  log(`installing pyspark ${PYSPARK_VERSION} into ${SPARK_PYTHON_DIR} (first run only, ~450 MB)`);
  execFileSync(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', `pyspark==${PYSPARK_VERSION}`], { stdio: 'inherit' });
  if (installedPyspark(python) !== PYSPARK_VERSION) throw new Error(`pyspark ${PYSPARK_VERSION} did not install into ${SPARK_PYTHON_DIR}`);
  return python;
}

/** @param {string} python */
function installedPyspark(python) {
  const out = spawnSync(python, ['-c', 'import pyspark; print(pyspark.__version__)'], { encoding: 'utf8' });
  return out.status === 0 ? out.stdout.trim() : undefined;
}

/** @param {string} python @param {string} pom @param {(m: string) => void} log */
function ensureJars(python, pom, log) {
  const digest = createHash('sha256').update(pom).digest('hex');
  const listJars = () => readdirSync(SPARK_JARS_DIR).filter((n) => n.endsWith('.jar')).map((n) => join(SPARK_JARS_DIR, n));
  if (existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === digest) return listJars();
  log(`resolving spark-sql-kafka-0-10_2.13:${PYSPARK_VERSION} and its dependencies with Maven into ${SPARK_JARS_DIR} (first run only)`);
  resolveJars(python, digest);
  return listJars();
}

/** @param {string} python @param {string} digest */
function resolveJars(python, digest) {
  const staging = join(tmpdir(), `fluxo-spark-jars-${process.pid}`);
  execFileSync('mvn', ['-q', '-B', '-s', join(SPARK_DIR, 'maven-settings.xml'), 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${staging}`], {
    cwd: SPARK_DIR,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const pysparkJars = execFileSync(python, ['-c', 'import os, pyspark; print(os.path.join(os.path.dirname(pyspark.__file__), "jars"))'], { encoding: 'utf8' }).trim();
  const artifact = (/** @type {string} */ name) => name.replace(/-\d[\w.]*\.jar$/, '');
  const shipped = new Set(readdirSync(pysparkJars).map(artifact));
  rmSync(SPARK_JARS_DIR, { recursive: true, force: true });
  mkdirSync(SPARK_JARS_DIR, { recursive: true });
  for (const name of readdirSync(staging)) {
    if (!shipped.has(artifact(name))) copyFileSync(join(staging, name), join(SPARK_JARS_DIR, name));
  }
  rmSync(staging, { recursive: true, force: true });
  writeFileSync(STAMP, `${digest}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { python, jars } = ensureSpark();
  console.log(JSON.stringify({ python, jars }, null, 1));
}
