#!/usr/bin/env node
// @ts-check
/**
 * Refreshes the vendored Spark Connect protocol from a Spark jar, then regenerates the descriptor the
 * client loads at run time. Run it when Spark's version changes, review the diff, commit all of it.
 *
 *   node libs/spark-connect/scripts/sync-protos.mjs                  # from the venv's pyspark jars (ensure-python.mjs)
 *   node libs/spark-connect/scripts/sync-protos.mjs --jar <path>     # from any spark-connect(-common)_2.13 jar
 *   node libs/spark-connect/scripts/sync-protos.mjs --check          # exit 1 if proto/ or the descriptor are stale
 *
 * Writes proto/spark/connect/*.proto and proto/google/rpc/{status,error_details}.proto verbatim
 * (Apache-2.0 headers intact), proto/PROVENANCE.json (jar, version, SHA-256 of the jar and of each
 * file) and src/generated/spark-connect.json (a protobufjs descriptor: the only thing read at run
 * time, so bundled apps need no .proto files on disk).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { buildDescriptor, LIB_DIR, PROTO_DIR, DESCRIPTOR_PATH, PROVENANCE_PATH, VENDORED_FILES } from './descriptor.mjs';

const { values } = parseArgs({ options: { jar: { type: 'string' }, check: { type: 'boolean', default: false } } });

if (values.check) {
  const stale = checkVendored();
  if (stale.length > 0) {
    process.stderr.write(`[spark-connect] stale: ${stale.join(', ')}; run node libs/spark-connect/scripts/sync-protos.mjs\n`);
    process.exit(1);
  }
  process.stderr.write('[spark-connect] proto/ and the descriptor are in sync\n');
  process.exit(0);
}

const jar = values.jar ?? venvJar();
const work = mkdtempSync(join(tmpdir(), 'spark-connect-protos-'));
try {
  execFileSync('unzip', ['-q', '-o', jar, ...VENDORED_FILES, 'META-INF/maven/org.apache.spark/*/pom.properties', '-d', work], { stdio: 'inherit' });
  for (const file of VENDORED_FILES) {
    const target = join(PROTO_DIR, file);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, readFileSync(join(work, file)));
  }
  const version = sparkVersion(work);
  const provenance = {
    source: `org.apache.spark:${basename(jar).replace(/-[\d.]+\.jar$/, '')}:${version} (Maven Central; also inside PyPI pyspark==${version}, pyspark/jars/)`,
    jar: basename(jar),
    jarSha256: sha256(readFileSync(jar)),
    sparkVersion: version,
    licence: 'Apache-2.0 (spark/connect: The Apache Software Foundation; google/rpc: Google LLC); headers kept verbatim',
    files: Object.fromEntries(VENDORED_FILES.map((file) => [file, sha256(readFileSync(join(PROTO_DIR, file)))])),
  };
  writeFileSync(PROVENANCE_PATH, `${JSON.stringify(provenance, null, 2)}\n`);
  writeFileSync(DESCRIPTOR_PATH, `${JSON.stringify(buildDescriptor())}\n`);
  process.stderr.write(`[spark-connect] vendored ${VENDORED_FILES.length} files from ${jar} (Spark ${version}) into ${relative(process.cwd(), PROTO_DIR)}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** The spark-connect jar shipped in the venv's pyspark (tools/scripts/ensure-python.mjs). */
function venvJar() {
  const sitePackages = join(LIB_DIR, '..', '..', '.fluxo', 'python', 'lib');
  const python = existsSync(sitePackages) ? readdirSync(sitePackages).find((name) => name.startsWith('python3')) : undefined;
  const jars = python === undefined ? undefined : join(sitePackages, python, 'site-packages', 'pyspark', 'jars');
  const jar = jars !== undefined && existsSync(jars) ? readdirSync(jars).find((name) => /^spark-connect_2\.13-[\d.]+\.jar$/.test(name)) : undefined;
  if (jars === undefined || jar === undefined) {
    throw new Error('No pyspark jars in .fluxo/python: run node tools/scripts/ensure-python.mjs, or pass --jar <spark-connect_2.13-x.y.z.jar>');
  }
  return join(jars, jar);
}

/** @param {string} work */
function sparkVersion(work) {
  const properties = readFileSync(join(work, 'META-INF', 'maven', 'org.apache.spark', 'spark-connect-common_2.13', 'pom.properties'), 'utf8');
  const version = /^version=(.+)$/m.exec(properties)?.[1]?.trim();
  if (version === undefined) throw new Error('the jar has no spark-connect-common pom.properties');
  return version;
}

/** Files whose bytes differ from PROVENANCE.json, plus the descriptor when it no longer matches proto/. */
function checkVendored() {
  /** @type {{ files: Record<string, string> }} */
  const provenance = JSON.parse(readFileSync(PROVENANCE_PATH, 'utf8'));
  const stale = VENDORED_FILES.filter((file) => !existsSync(join(PROTO_DIR, file)) || provenance.files[file] !== sha256(readFileSync(join(PROTO_DIR, file))));
  if (readFileSync(DESCRIPTOR_PATH, 'utf8') !== `${JSON.stringify(buildDescriptor())}\n`) stale.push(relative(LIB_DIR, DESCRIPTOR_PATH));
  return stale;
}

/** @param {Buffer} bytes */
function sha256(bytes) {
  return createHash('sha256').update(bytes).digest('hex');
}
