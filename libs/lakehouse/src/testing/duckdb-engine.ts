import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { SqlEngine, SqlSession, TransactionOptions } from '../sql-engine';
import { LAKEHOUSE_EXTENSIONS } from '../sql-engine';

/**
 * A minimal SqlEngine over one DuckDB connection, for this library's own tests (apps pass
 * @fluxo/parquet-io's ParquetEngine). Statements are serialised like the real engine's.
 */
export class TestDuckDBEngine implements SqlEngine, AsyncDisposable {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async open(extensionDirectory: string = testExtensionDirectory(), extensions: readonly string[] = LAKEHOUSE_EXTENSIONS): Promise<TestDuckDBEngine> {
    const instance = await DuckDBInstance.create(':memory:', { extension_directory: extensionDirectory, autoinstall_known_extensions: 'false', autoload_known_extensions: 'false', threads: '2' });
    const connection = await instance.connect();
    await connection.run(`SET TimeZone = 'UTC'`);
    for (const name of extensions) await connection.run(`LOAD ${name}`);
    return new TestDuckDBEngine(instance, connection);
  }

  run(sql: string): Promise<void> {
    return this.exclusive(() => runOn(this.connection, sql));
  }

  all<T extends object>(sql: string): Promise<T[]> {
    return this.exclusive(() => allOn<T>(this.connection, sql));
  }

  transaction<T>(_label: string, body: (tx: SqlSession) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    return this.exclusive(async () => {
      const tx: SqlSession = { run: (sql) => runOn(this.connection, sql), all: <R extends object>(sql: string) => allOn<R>(this.connection, sql) };
      await this.connection.run('BEGIN TRANSACTION');
      let value: T;
      try {
        value = await body(tx);
        await this.connection.run('COMMIT');
      } catch (error) {
        await this.connection.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
      await options.afterCommit?.(tx);
      return value;
    });
  }

  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
    this.connection.closeSync();
    this.instance.closeSync();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private exclusive<T>(use: () => Promise<T>): Promise<T> {
    const result = this.queue.then(use);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

/** `FLUXO_DUCKDB_EXTENSION_DIR`, else the repository's `.fluxo/duckdb-extensions` (tools/duckdb-extensions). */
export function testExtensionDirectory(): string {
  return process.env['FLUXO_DUCKDB_EXTENSION_DIR'] ?? `${__dirname}/../../../../.fluxo/duckdb-extensions`;
}

async function runOn(connection: DuckDBConnection, sql: string): Promise<void> {
  await connection.run(sql);
}

async function allOn<T extends object>(connection: DuckDBConnection, sql: string): Promise<T[]> {
  return (await connection.runAndReadAll(sql)).getRowObjectsJS() as T[];
}
