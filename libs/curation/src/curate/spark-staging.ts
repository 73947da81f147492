import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { S3LakeStorage } from '@fluxo/schema';
import type { Lake, ParquetEngine } from '@fluxo/parquet-io';
import { sqlString } from '@fluxo/parquet-io';

/** Lake folder of the files Spark stages for the normalizer to read (never a zone other apps list). */
export const SPARK_STAGING_DIR = '_staging/spark';

/**
 * Where Spark stages a job's Parquet, and how the normalizer finds and drops it: a folder of the
 * local lake (`<lake>/_staging/spark/<group>/`), or objects under an S3 lake's curated DATA_PATH.
 */
export interface SparkStaging {
  /** This group's folder, as the normalizer's DuckDB names it (a job's folder is one segment below). */
  readonly groupDir: string;
  /** How Spark names a path the normalizer names `path` (a raw file, a job's folder). */
  sparkPath(path: string): string;
  /** The job's staged Parquet files (sorted), as DuckDB reads them. */
  list(dir: string): Promise<string[]>;
  /** Drops a job's folder once its rows were read (or leaves it to a sweep that will). */
  release(dir: string): Promise<void>;
  /** Removes folders of jobs whose normalizer died, untouched since `before` (ms since the epoch); how many. */
  sweep(before: number): Promise<number>;
}

/** A name safe as one path segment (group ids and topics may hold characters a path must not). */
export function folderName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** The local lake: Spark shares the file system, `readdir` lists, `rm` drops, the start-up sweep goes by mtime. */
export function localSparkStaging(lake: Lake, group: string): SparkStaging {
  const groupDir = join(lake.root, SPARK_STAGING_DIR, folderName(group));
  return {
    groupDir,
    sparkPath: (path) => path,
    list: async (dir) => (await readdir(dir)).filter((name) => name.endsWith('.parquet')).sort().map((name) => join(dir, name)),
    release: (dir) => rm(dir, { recursive: true, force: true }),
    sweep: async (before) => {
      let names: string[];
      try {
        names = await readdir(groupDir);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
        throw error;
      }
      let swept = 0;
      for (const name of names) {
        const path = join(groupDir, name);
        if ((await stat(path)).mtimeMs < before) {
          await rm(path, { recursive: true, force: true });
          swept += 1;
        }
      }
      return swept;
    },
  };
}

/**
 * The one mapping between the lake's `s3://` URIs (DuckDB's httpfs, file references) and the
 * `s3a://` URIs Hadoop's S3A connector reads and writes for Spark: the same bucket and key.
 */
export function s3aUri(uri: string): string {
  if (!uri.startsWith('s3://')) throw new Error(`not an s3:// URI: ${uri}`);
  return `s3a://${uri.slice('s3://'.length)}`;
}

/** Where Spark stages on an S3 lake: under the curated zone's DATA_PATH, `<root>/curated/_staging/spark/<group>/`. */
export function s3StagingGroupDir(root: string, group: string): string {
  return `${root}/curated/${SPARK_STAGING_DIR}/${folderName(group)}`;
}

/**
 * An S3 lake: Spark writes `s3a://…` objects under the curated DATA_PATH, the normalizer's DuckDB
 * lists them with `glob()` through httpfs (inside its sandbox: the lake root) and reads them.
 * Nothing is deleted here — neither httpfs nor S3A is reachable as a "delete this prefix" from the
 * normalizer — the lake's maintenance does it: `ducklake_delete_orphaned_files` removes every file
 * under DATA_PATH that no catalog entry references once older than the file-deletion grace, which
 * staged files are seconds after their job (decision 0008, part 4). Spark's `_SUCCESS` marker is off
 * (`SPARK_CURATE_SESSION_CONFIG`): DuckLake deletes only Parquet files.
 */
export function s3SparkStaging(engine: ParquetEngine, root: string, group: string): SparkStaging {
  return {
    groupDir: s3StagingGroupDir(root, group),
    sparkPath: s3aUri,
    list: async (dir) => (await engine.all<{ file: string }>(`SELECT file FROM glob(${sqlString(`${dir}/*.parquet`)}) ORDER BY file`)).map((row) => row.file),
    release: async () => undefined,
    sweep: async () => 0,
  };
}

/**
 * The S3A settings of the lake's bucket, per Spark session (`fs.s3a.bucket.<bucket>.*`: Spark copies
 * session settings into the Hadoop configuration of the session's jobs, and the per-bucket form
 * leaves any other bucket the server reads untouched). Holds the credentials: never log it.
 * Hadoop caches one S3A file system per bucket in the server: the first session's settings for a
 * bucket stay in force until the server restarts.
 */
export function sparkS3SessionConfig(storage: S3LakeStorage): Record<string, string> {
  const key = (name: string) => `fs.s3a.bucket.${storage.bucket}.${name}`;
  return {
    ...(storage.endpoint === undefined ? {} : { [key('endpoint')]: `${storage.useSsl ? 'https' : 'http'}://${storage.endpoint}` }),
    [key('endpoint.region')]: storage.region,
    [key('path.style.access')]: storage.urlStyle === 'path' ? 'true' : 'false',
    [key('connection.ssl.enabled')]: storage.useSsl ? 'true' : 'false',
    [key('aws.credentials.provider')]:
      storage.sessionToken === undefined ? 'org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider' : 'org.apache.hadoop.fs.s3a.TemporaryAWSCredentialsProvider',
    [key('access.key')]: storage.accessKeyId,
    [key('secret.key')]: storage.secretAccessKey,
    ...(storage.sessionToken === undefined ? {} : { [key('session.token')]: storage.sessionToken }),
  };
}
