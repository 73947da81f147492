import { DuckDBInstance, type DuckDBConnection, type DuckDBResultReader } from '@duckdb/node-api';
import { describeError, type Logger } from '@fluxo/schema';
import { ParquetIoError } from './errors';
import { toPlainValue, type PlainValue } from './plain-values';

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
}

/** What a transaction body may do: statements on the engine's connection, inside the transaction. */
export interface SqlSession {
  run(sql: string): Promise<void>;
  all<T extends object = PlainRow>(sql: string): Promise<T[]>;
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
    const logger = options.logger.child({ component: 'parquet-engine' });
    let instance: DuckDBInstance | undefined;
    try {
      instance = await DuckDBInstance.create(':memory:', config);
      const connection = await instance.connect();
      // TimeZone belongs to the icu extension, loaded after the instance is configured: so it is a
      // session setting, set on our only connection rather than passed to create().
      await connection.run(`SET TimeZone = 'UTC'`);
      for (const name of options.extensions ?? []) await loadExtension(connection, name, options.extensionDirectory);
      logger.debug({ threads: options.threads, memoryLimitMb: options.memoryLimitMb }, 'duckdb engine opened');
      return new ParquetEngine(instance, connection, logger);
    } catch (error) {
      instance?.closeSync();
      throw new ParquetIoError('QUERY_FAILED', `could not open DuckDB: ${describeError(error)}`, { cause: error });
    }
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
  async transaction<T>(label: string, body: (tx: SqlSession) => Promise<T>): Promise<T> {
    return this.exclusive(label, async (connection) => {
      const tx: SqlSession = {
        run: async (sql) => {
          await inStatement(sql, () => connection.run(sql));
        },
        all: async <R extends object>(sql: string) => inStatement(sql, async () => readRows<R>(await connection.runAndReadAll(sql))),
      };
      await connection.run('BEGIN TRANSACTION');
      try {
        const value = await body(tx);
        await inStatement(`COMMIT (${label})`, () => connection.run('COMMIT'));
        return value;
      } catch (error) {
        await connection.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
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

/** DuckDB errors become `QUERY_FAILED`; running out of memory is the one retriable kind. */
function asQueryError(error: unknown, sql: string): ParquetIoError {
  if (error instanceof ParquetIoError) return error;
  const message = describeError(error);
  return new ParquetIoError('QUERY_FAILED', `DuckDB statement failed: ${message}`, {
    cause: error,
    retriable: message.startsWith('Out of Memory Error'),
    context: { sql },
  });
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) {
    throw new ParquetIoError('INVALID_ARGUMENT', `${name} must be a positive integer`, { context: { actual: value } });
  }
  return value;
}
