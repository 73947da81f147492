import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBResultReader } from '@duckdb/node-api';
import { describeError, sqlString, type Logger } from '@fluxo/schema';
import { ParquetIoError } from './errors';
import { toPlainValue, type PlainValue } from './plain-values';
import { isObjectUrl } from './sql';

export interface ParquetEngineOptions {
  readonly logger: Logger;
  /** DuckDB worker threads; default: DuckDB's (one per core). */
  readonly threads?: number;
  /** DuckDB memory limit in MB; default: DuckDB's (80% of RAM). */
  readonly memoryLimitMb?: number;
  /**
   * Extensions to load at open (e.g. `ducklake`, `sqlite_scanner`), from `extensionDirectory`
   * (tools/duckdb-extensions provides them). Signatures are checked; nothing is downloaded.
   */
  readonly extensions?: readonly string[];
  readonly extensionDirectory?: string;
  /**
   * Where DuckDB spills when a query needs more than `memoryLimitMb`. Default: a directory of its
   * own under the OS temp directory (`fluxo-duckdb-<pid>-<hex>`, created only when DuckDB spills),
   * so two processes never share spill files — DuckDB's default, `.tmp` in the working directory,
   * is the same folder for every app started from the repository.
   */
  readonly tempDirectory?: string;
  /**
   * Restrict file access at open, after the extensions are loaded (see `restrictFileAccess`). An
   * engine that must ATTACH a catalog first (DuckLake on PostgreSQL cannot attach once external
   * access is off) calls `restrictFileAccess` after attaching instead.
   */
  readonly sandbox?: FileSandbox;
}

/** What DuckDB may still touch once the engine is sandboxed. Absolute paths, or `s3://bucket/prefix/` for a lake on S3. */
export interface FileSandbox {
  /** Directories DuckDB may read and write, with everything below them. */
  readonly allowedDirectories: readonly string[];
  /** Single files DuckDB may read and write besides. */
  readonly allowedPaths?: readonly string[];
}

/** What a transaction body may do: statements on the engine's connection, inside the transaction. */
export interface SqlSession {
  run(sql: string): Promise<void>;
  all<T extends object = PlainRow>(sql: string): Promise<T[]>;
}

export interface TransactionOptions {
  /**
   * Runs on the same connection right after COMMIT, before any other statement can use it: to read
   * what this commit made (e.g. its snapshot id) without another writer's commit in between.
   */
  readonly afterCommit?: (session: SqlSession) => Promise<void>;
}

export type PlainRow = Record<string, PlainValue>;

/**
 * An in-memory DuckDB instance with one connection, session time zone UTC, and extension
 * auto-install/auto-load switched off (parquet, json and icu are built into the npm package's
 * binary; nothing is ever downloaded). Statements run one at a time, in call order.
 */
export class ParquetEngine implements AsyncDisposable {
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private sandbox: FileSandbox | null = null;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly logger: Logger,
  ) {}

  static async open(options: ParquetEngineOptions): Promise<ParquetEngine> {
    const config: Record<string, string> = {
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
    };
    if (options.threads !== undefined) config['threads'] = String(positiveInteger('threads', options.threads));
    if (options.memoryLimitMb !== undefined) {
      config['memory_limit'] = `${positiveInteger('memoryLimitMb', options.memoryLimitMb)}MB`;
    }
    if (options.extensionDirectory !== undefined) config['extension_directory'] = options.extensionDirectory;
    config['temp_directory'] = options.tempDirectory ?? join(tmpdir(), `fluxo-duckdb-${process.pid}-${randomBytes(4).toString('hex')}`);
    const sandbox = options.sandbox === undefined ? undefined : checkSandbox(options.sandbox);
    const logger = options.logger.child({ component: 'parquet-engine' });
    let instance: DuckDBInstance | undefined;
    try {
      instance = await DuckDBInstance.create(':memory:', config);
      const connection = await instance.connect();
      // TimeZone belongs to the icu extension, loaded after the instance is configured: so it is a
      // session setting, set on our only connection rather than passed to create().
      await connection.run(`SET TimeZone = 'UTC'`);
      for (const name of options.extensions ?? []) await loadExtension(connection, name, options.extensionDirectory);
      const engine = new ParquetEngine(instance, connection, logger);
      if (sandbox !== undefined) await engine.restrictFileAccess(sandbox);
      logger.debug({ threads: options.threads, memoryLimitMb: options.memoryLimitMb, sandbox: sandbox ?? null }, 'duckdb engine opened');
      return engine;
    } catch (error) {
      instance?.closeSync();
      if (error instanceof ParquetIoError && error.code !== 'QUERY_FAILED') throw error;
      throw new ParquetIoError('QUERY_FAILED', `could not open DuckDB: ${describeError(error)}`, { cause: error });
    }
  }

  /**
   * Sandboxes the engine for the rest of its life: DuckDB may then read and write only below
   * `allowedDirectories` (and the single `allowedPaths`) — any other file, any URL, any new ATTACH
   * fails with `ACCESS_DENIED` — and its configuration is locked, so no statement can widen the
   * access again, raise the memory limit or move the spill directory (`SET …` fails). Catalogs
   * attached before keep working. Call it once, after loading extensions and attaching what is
   * needed; a second call fails with INVALID_ARGUMENT.
   */
  async restrictFileAccess(sandbox: FileSandbox): Promise<void> {
    const checked = checkSandbox(sandbox);
    if (this.sandbox !== null) {
      throw new ParquetIoError('INVALID_ARGUMENT', 'file access is already restricted (the configuration is locked)', { context: { actual: this.sandbox } });
    }
    const list = (paths: readonly string[]) => `[${paths.map(sqlString).join(', ')}]`;
    await this.run(
      [
        `SET allowed_directories = ${list(checked.allowedDirectories.map((dir) => (dir.endsWith('/') ? dir : `${dir}/`)))}`,
        `SET allowed_paths = ${list(checked.allowedPaths ?? [])}`,
        'SET enable_external_access = false',
        'SET lock_configuration = true',
      ].join('; '),
    );
    this.sandbox = checked;
    this.logger.info({ allowedDirectories: checked.allowedDirectories, allowedPaths: checked.allowedPaths ?? [] }, 'duckdb file access restricted and configuration locked');
  }

  /** The sandbox in force, or null while DuckDB may touch any file the process can. */
  get fileSandbox(): FileSandbox | null {
    return this.sandbox;
  }

  /** Runs one statement (or several separated by `;`), discarding results. */
  async run(sql: string): Promise<void> {
    await this.exclusive(sql, async (connection) => {
      await connection.run(sql);
    });
  }

  /**
   * Runs a query and returns its rows as plain objects (see `toPlainValue` for the conversions:
   * BIGINT → number when safe else string, timestamps → ISO-8601 strings in UTC). `T` is not
   * checked at run time: describe what the SQL selects.
   */
  async all<T extends object = PlainRow>(sql: string): Promise<T[]> {
    return this.exclusive(sql, async (connection) => {
      return readRows<T>(await connection.runAndReadAll(sql));
    });
  }

  /**
   * Runs `body` inside one transaction (BEGIN … COMMIT, ROLLBACK on failure) with exclusive use of
   * the connection: no other statement of this engine interleaves. A failed COMMIT is reported like
   * any failed statement; the transaction is then rolled back.
   */
  async transaction<T>(label: string, body: (tx: SqlSession) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    return this.exclusive(label, async (connection) => {
      const tx: SqlSession = {
        run: async (sql) => {
          await inStatement(sql, () => connection.run(sql));
        },
        all: async <R extends object>(sql: string) => inStatement(sql, async () => readRows<R>(await connection.runAndReadAll(sql))),
      };
      await connection.run('BEGIN TRANSACTION');
      let value: T;
      try {
        value = await body(tx);
        await inStatement(`COMMIT (${label})`, () => connection.run('COMMIT'));
      } catch (error) {
        await connection.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
      await options.afterCommit?.(tx);
      return value;
    });
  }

  /**
   * Exclusive access to the underlying connection, for what SQL text cannot do (appenders,
   * prepared statements). Nothing else runs on the engine until `use` settles. DuckDB failures
   * inside are reported as `QUERY_FAILED`.
   */
  async withConnection<T>(label: string, use: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.exclusive(label, use);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Waits for running statements, then closes the connection and the instance. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.catch(() => undefined);
    this.connection.closeSync();
    this.instance.closeSync();
    this.logger.debug({}, 'duckdb engine closed');
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private exclusive<T>(label: string, use: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    if (this.closed) {
      return Promise.reject(new ParquetIoError('ENGINE_CLOSED', 'the Parquet engine is closed'));
    }
    const result = this.queue.then(async () => {
      const started = performance.now();
      try {
        const value = await use(this.connection);
        this.logger.debug({ sql: label, durationMs: Math.round(performance.now() - started) }, 'duckdb statement');
        return value;
      } catch (error) {
        throw asQueryError(error, label);
      }
    });
    this.queue = result.catch(() => undefined);
    return result;
  }
}

function readRows<T extends object>(reader: DuckDBResultReader): T[] {
  const names = reader.columnNames();
  return reader.getRows().map((cells) => {
    const row: PlainRow = {};
    names.forEach((name, index) => {
      row[name] = toPlainValue(cells[index] ?? null);
    });
    return row as T;
  });
}

/** Runs one statement of a transaction body, naming the statement if it fails. */
async function inStatement<T>(sql: string, use: () => Promise<T>): Promise<T> {
  try {
    return await use();
  } catch (error) {
    throw asQueryError(error, sql);
  }
}

async function loadExtension(connection: DuckDBConnection, name: string, directory: string | undefined): Promise<void> {
  if (!/^[a-z0-9_]+$/.test(name)) {
    throw new ParquetIoError('INVALID_ARGUMENT', 'extension names are lower-case letters, digits and underscores', { context: { actual: name } });
  }
  try {
    await connection.run(`LOAD ${name}`);
  } catch (error) {
    throw new ParquetIoError('EXTENSION_MISSING', `DuckDB extension ${name} could not be loaded from ${directory ?? "DuckDB's default directory"}: run \`node tools/duckdb-extensions/extensions.mjs\` (${describeError(error)})`, {
      cause: error,
      context: { extension: name },
    });
  }
}

/**
 * DuckDB errors carry their kind only as the start of the message (`Out of Memory Error: …`,
 * `Permission Error: …`): it is read here, once, and becomes a code. Running out of memory is
 * `OUT_OF_MEMORY`, the one retriable kind (callers bound the attempts); a file outside the sandbox
 * is `ACCESS_DENIED`; anything else `QUERY_FAILED`.
 */
function asQueryError(error: unknown, sql: string): ParquetIoError {
  if (error instanceof ParquetIoError) return error;
  const message = duckdbMessage(error);
  if (message.startsWith('Out of Memory Error')) {
    return new ParquetIoError('OUT_OF_MEMORY', `DuckDB ran out of memory: ${firstLine(message)}`, { cause: error, retriable: true, context: { sql } });
  }
  if (message.startsWith('Permission Error') || message.includes('disabled through configuration') || message.includes('disabled by configuration')) {
    return new ParquetIoError('ACCESS_DENIED', `DuckDB refused file or network access: ${firstLine(message)}`, { cause: error, context: { sql } });
  }
  return new ParquetIoError('QUERY_FAILED', `DuckDB statement failed: ${message}`, { cause: error, context: { sql } });
}

/** The message of a DuckDB error, also when it comes from another realm (Jest's VM contexts: not `instanceof Error`). */
function duckdbMessage(error: unknown): string {
  const message = typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string' ? (error as { message: string }).message : String(error);
  return message.replace(/^Error: /, '');
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? text;
}

function checkSandbox(sandbox: FileSandbox): FileSandbox {
  const paths = [...sandbox.allowedDirectories, ...(sandbox.allowedPaths ?? [])];
  const bad = paths.filter((path) => typeof path !== 'string' || !(isAbsolute(path) || isObjectUrl(path)) || path.includes('\0'));
  if (bad.length > 0 || sandbox.allowedDirectories.length === 0) {
    throw new ParquetIoError('INVALID_ARGUMENT', 'a file sandbox lists at least one directory, and absolute paths or s3:// prefixes only', { context: { actual: bad.length > 0 ? bad : paths } });
  }
  return { allowedDirectories: [...sandbox.allowedDirectories], ...(sandbox.allowedPaths === undefined ? {} : { allowedPaths: [...sandbox.allowedPaths] }) };
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) {
    throw new ParquetIoError('INVALID_ARGUMENT', `${name} must be a positive integer`, { context: { actual: value } });
  }
  return value;
}
