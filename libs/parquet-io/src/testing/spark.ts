import { join } from 'node:path';
import { SparkInteropError } from './spark-errors';
import { SparkProcess } from './spark-process';
import { pythonExecutable } from './pyarrow';

export { SparkInteropError, PYSPARK_SETUP_HINT, type SparkInteropErrorCode } from './spark-errors';

/** A column as Spark sees it: `simpleString()` of its type (`timestamp`, `bigint`, `string`, `decimal(18,3)`…). */
export interface SparkColumn {
  readonly name: string;
  readonly type: string;
}

/**
 * Rows as JSON: timestamps ISO-8601 UTC with microseconds (`2025-05-04T13:40:18.110000Z`;
 * `timestamp_ntz` without the `Z`), dates `YYYY-MM-DD`, BIGINTs beyond ±(2^53−1) and all decimals
 * as strings, NaN/±Infinity as strings, binary as hex, maps as `[{ key, value }]`.
 */
export type SparkRow = Record<string, unknown>;

export interface SparkTable {
  readonly schema: readonly SparkColumn[];
  readonly rows: readonly SparkRow[];
}

/** The files as one table (`schema`, `rows` in Spark's order), plus each named query's result. */
export interface SparkRead<Q extends string = never> extends SparkTable {
  readonly queries: Readonly<Record<Q, SparkTable>>;
}

/** A column of an explicit read schema: Spark DDL type (`bigint`, `timestamp`, `decimal(18,3)`…), optional Parquet field id. */
export interface SparkSchemaField {
  readonly name: string;
  readonly type: string;
  readonly fieldId?: number;
}

export interface SparkReadOptions<Q extends string = never> {
  /** Spark SQL run over the files, registered as the temp view `view`; results under the same names. */
  readonly queries?: Readonly<Record<Q, string>>;
  /** Name of the temp view holding the files; default `t`. */
  readonly view?: string;
  /**
   * Positional delete files (Parquet with `file_path`, `pos` = 0-based row index in that data
   * file, as DuckLake and Iceberg write them): those rows are left out, matched through Spark's
   * `_metadata.row_index`. Each must name only files of `files`. DuckLake: the non-null
   * `delete_file`s of `ducklake_list_files`.
   */
  readonly deleteFiles?: readonly string[];
  /**
   * Read with exactly this schema instead of merging the files' schemas by name. Columns with a
   * `fieldId` are matched by Parquet field id (`spark.sql.parquet.fieldId.read.enabled`), so a
   * renamed column (DuckLake keeps the id, old files keep the old name) and a widened one (INT
   * files read as `bigint`) read as the catalog defines them. DuckLake's ids: `column_id` of
   * `ducklake_column`.
   */
  readonly schema?: readonly SparkSchemaField[];
  /** Columns dropped when their name starts with one of these, e.g. `_ducklake_internal_` (DuckLake's compacted files carry `_ducklake_internal_snapshot_id`). */
  readonly dropColumnPrefixes?: readonly string[];
}

export interface SparkReaderOptions {
  /** Interpreter with pyspark; default `$FLUXO_PYTHON`, else `python3`. */
  readonly python?: string;
  /** `local[threads]`; default 1 (tests share the machine). */
  readonly threads?: number;
  /** Driver heap; default 512. */
  readonly driverMemoryMb?: number;
  /** Upper bound for JVM + SparkSession start, a failure deadline (never a wait); default 300 s. */
  readonly startTimeoutMs?: number;
  /** Upper bound per `read`; default 300 s. After a timeout the session is closed. */
  readonly readTimeoutMs?: number;
}

const VIEW_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Spark expands these in paths as Hadoop globs; `:` would start a URI scheme; `,` splits path lists. */
const UNSAFE_PATH = /[*?[\]{}\\:,]/;

/**
 * One local SparkSession (PySpark, `local[n]`, UI off, UTC, errors-only logs) in a child Python
 * process, serving reads until `close()`. Start it once per spec file (~5–15 s):
 *
 *   const spark = await SparkReader.open();            // beforeAll
 *   const { schema, rows, queries } = await spark.read(files, { queries: { n: 'SELECT count(*) AS n FROM t' } });
 *   await spark.close();                               // afterAll
 */
export class SparkReader implements AsyncDisposable {
  private constructor(
    private readonly process: SparkProcess,
    private readonly readTimeoutMs: number,
    /** Spark's version, e.g. `4.1.4`. */
    readonly version: string,
    /** Milliseconds from spawning Python to a ready SparkSession. */
    readonly startedAfterMs: number,
  ) {}

  static async open(options: SparkReaderOptions = {}): Promise<SparkReader> {
    const config = { threads: options.threads ?? 1, driverMemoryMb: options.driverMemoryMb ?? 512 };
    const begun = Date.now();
    const process = await SparkProcess.start({
      python: options.python ?? pythonExecutable(),
      script: join(__dirname, 'read_with_spark.py'),
      args: [JSON.stringify(config)],
      startTimeoutMs: options.startTimeoutMs ?? 300_000,
    });
    return new SparkReader(process, options.readTimeoutMs ?? 300_000, process.sparkVersion, Date.now() - begun);
  }

  /**
   * Reads exactly `files` (absolute paths of Parquet files, no directories) with
   * `spark.read.option('mergeSchema', 'true').parquet(...files)` (or `options.schema`): a column
   * some files lack reads as NULL in their rows; hive-style folders (`year=2026/`) never become
   * columns; Spark must report reading exactly these files. Then leaves out deleted rows and
   * dropped columns (see options), registers the view and runs `queries`, all in this session.
   *
   *   const listed = await engine.all<{ data_file: string; delete_file: string | null }>(
   *     `SELECT data_file, delete_file FROM ducklake_list_files('lake', 'quakes')`);
   *   await spark.read(listed.map((f) => f.data_file), {
   *     deleteFiles: listed.flatMap((f) => (f.delete_file === null ? [] : [f.delete_file])),
   *     dropColumnPrefixes: ['_ducklake_internal_'],
   *     queries: { all: 'SELECT * FROM t ORDER BY event_id' },
   *   });
   */
  async read<Q extends string = never>(files: readonly string[], options: SparkReadOptions<Q> = {}): Promise<SparkRead<Q>> {
    const view = options.view ?? 't';
    const deleteFiles = options.deleteFiles ?? [];
    checkArguments(files, deleteFiles, view);
    const queries = Object.entries<string>(options.queries ?? ({} as Record<Q, string>)).map(([name, sql]) => ({ name, sql }));
    const request = { files, view, queries, deleteFiles, dropColumnPrefixes: options.dropColumnPrefixes ?? [], schema: options.schema ?? null };
    const response = await this.process.request(request, this.readTimeoutMs);
    return { schema: response['schema'], rows: response['rows'], queries: response['queries'] } as SparkRead<Q>;
  }

  close(): Promise<void> {
    return this.process.stop();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** One-shot: starts Spark, reads `files` (and runs `queries`), stops Spark. Prefer one `SparkReader` per spec file. */
export async function readWithSpark<Q extends string = never>(
  files: readonly string[],
  options: SparkReadOptions<Q> & SparkReaderOptions = {},
): Promise<SparkRead<Q>> {
  await using spark = await SparkReader.open(options);
  return spark.read(files, options);
}

function checkArguments(files: readonly string[], deleteFiles: readonly string[], view: string): void {
  const bad = [...files, ...deleteFiles].filter((file) => !file.startsWith('/') || UNSAFE_PATH.test(file));
  if (files.length === 0 || bad.length > 0) {
    throw new SparkInteropError('INVALID_ARGUMENT', `Spark reads absolute file paths without * ? [ ] { } \\ : , — got ${JSON.stringify(files.length === 0 ? files : bad)}`, {
      context: { files },
    });
  }
  if (!VIEW_NAME.test(view)) {
    throw new SparkInteropError('INVALID_ARGUMENT', `view must be a plain SQL identifier, got ${JSON.stringify(view)}`, { context: { view } });
  }
}
