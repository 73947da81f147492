import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { Table, type RecordBatch } from 'apache-arrow';
import type { Logger } from '@fluxo/schema';
import { ArrowBatchDecoder } from './arrow-batches';
import { Connection, type TlsOptions } from './connection';
import { SparkConnectError } from './errors';
import { executePlan, type ExecutionHost, type ExecutionStats } from './execution';
import type { CallContext } from './grpc-errors';
import { sqlRelation, type SqlParameters } from './parameters';
import type { ExecutionProgress, InterruptType, RequestBase } from './protocol';
import { parseRemote } from './remote';

export interface SparkSessionOptions {
  /** `sc://host[:port]/;token=…;use_ssl=true;user_id=…` — see `parseRemote`. */
  readonly remote: string;
  readonly logger: Logger;
  /** Session configuration applied when the session opens, over `DEFAULT_SESSION_CONFIG`. */
  readonly config?: Readonly<Record<string, string>>;
  readonly tls?: TlsOptions;
  /** Largest gRPC message accepted or sent. Default 128 MiB. */
  readonly maxMessageBytes?: number;
  /** Results survive a broken or server-closed stream (ReattachExecute). Default true. */
  readonly reattachable?: boolean;
  /** Cancels opening the session. */
  readonly signal?: AbortSignal;
}

/** Spark's session time zone decides how TIMESTAMP values print and which zone Arrow results carry: UTC unless told otherwise. */
const DEFAULT_SESSION_CONFIG: Readonly<Record<string, string>> = { 'spark.sql.session.timeZone': 'UTC' };

export interface QueryOptions {
  /** Values for `:name` (object) or `?` (array) parameters, sent as typed literals. */
  readonly parameters?: SqlParameters;
  /** Aborting interrupts the operation on the server and rejects with `CANCELLED`. */
  readonly signal?: AbortSignal;
  /** A UUID to name the operation (to `interrupt()` it from elsewhere); generated otherwise. */
  readonly operationId?: string;
  /** Tags for `interruptTag()`; no commas, not empty. */
  readonly tags?: readonly string[];
  /**
   * Called with the server's progress reports while the operation runs (every
   * `spark.connect.progress.reportInterval`, 2 s by default); the first call also tells that the
   * server is executing it.
   */
  readonly onProgress?: (progress: QueryProgress) => void;
}

/** One progress report of a running operation. */
export interface QueryProgress {
  readonly operationId: string;
  readonly stages: readonly { readonly stageId: number; readonly tasks: number; readonly completedTasks: number; readonly inputBytesRead: number; readonly done: boolean }[];
  readonly inflightTasks: number;
}

export interface QueryResult {
  /** All rows, in order. Timestamps are Arrow `Timestamp<MICROSECOND, UTC>` under the default session config. */
  readonly table: Table;
  readonly operationId: string;
  /** How often the result stream was resumed (ReattachExecute) and transport failures retried. */
  readonly reattaches: number;
  readonly retries: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CLIENT_TYPE = `fluxo-spark-connect/0.1 node/${process.versions.node}`;

/**
 * One Spark Connect session: SQL in, Arrow out. Open with `connectSparkSession`, finish with
 * `close()` (or `await using`). Safe to use concurrently; each statement is its own operation.
 */
export class SparkSession implements AsyncDisposable {
  readonly sessionId: string;
  /** The remote with secrets masked, for logs. */
  readonly remote: string;
  private readonly userId: string;
  private readonly reattachable: boolean;
  private serverSideSessionId: string | undefined;
  private readonly lifetime = new AbortController();
  private closing: Promise<void> | undefined;
  private readonly host: ExecutionHost;
  private readonly pending = new Set<Promise<void>>();

  private constructor(
    private readonly connection: Connection,
    private readonly logger: Logger,
    options: { sessionId: string; userId: string; reattachable: boolean },
  ) {
    this.sessionId = options.sessionId;
    this.userId = options.userId;
    this.reattachable = options.reattachable;
    this.remote = connection.description;
    this.host = {
      connection,
      logger,
      sessionId: this.sessionId,
      requestBase: () => this.requestBase(),
      observeServerSession: (id) => this.observeServerSession(id),
      background: (task) => {
        this.pending.add(task);
        void task.finally(() => this.pending.delete(task));
      },
    };
  }

  /** @internal use `connectSparkSession` */
  static async open(options: SparkSessionOptions): Promise<SparkSession> {
    const remote = parseRemote(options.remote);
    const connection = new Connection(remote, { tls: options.tls, maxMessageBytes: options.maxMessageBytes, userAgent: remote.userAgent ?? 'fluxo-spark-connect' });
    const sessionId = remote.sessionId ?? randomUUID();
    const logger = options.logger.child({ sparkSession: sessionId });
    const session = new SparkSession(connection, logger, { sessionId, userId: remote.userId ?? localUser(), reattachable: options.reattachable ?? true });
    try {
      // The first call proves the server answers and accepts our credentials.
      await session.setConfig({ ...DEFAULT_SESSION_CONFIG, ...options.config }, options.signal);
    } catch (error) {
      connection.close();
      throw error;
    }
    logger.info({ remote: connection.description }, 'Spark Connect session open');
    return session;
  }

  /** Runs one statement (query or command) and collects its rows into an Arrow table. */
  async sql(query: string, options: QueryOptions = {}): Promise<QueryResult> {
    const stats: ExecutionStats = { reattaches: 0, retries: 0 };
    const operationId = this.operationIdFor(options);
    const decoder = new ArrowBatchDecoder(operationId);
    const batches: RecordBatch[] = [];
    for await (const response of this.run(query, { ...options, operationId }, stats)) {
      if (response.arrow_batch !== undefined) batches.push(...decoder.decode(response.arrow_batch));
      else if (response.execution_progress !== undefined) options.onProgress?.(progressOf(operationId, response.execution_progress));
    }
    const schema = decoder.schema;
    if (schema === undefined) throw new SparkConnectError('PROTOCOL', `Operation ${operationId} completed without a result schema`, { details: { operationId } });
    this.logger.debug({ operationId, rows: decoder.rows, reattaches: stats.reattaches }, 'Spark SQL done');
    return { table: new Table(schema, batches), operationId, reattaches: stats.reattaches, retries: stats.retries };
  }

  /** Runs one statement and yields its Arrow record batches as they arrive (for results too large to hold). */
  async *batches(query: string, options: QueryOptions = {}): AsyncGenerator<RecordBatch> {
    const operationId = this.operationIdFor(options);
    const decoder = new ArrowBatchDecoder(operationId);
    for await (const response of this.run(query, { ...options, operationId }, { reattaches: 0, retries: 0 })) {
      if (response.arrow_batch !== undefined) yield* decoder.decode(response.arrow_batch);
      else if (response.execution_progress !== undefined) options.onProgress?.(progressOf(operationId, response.execution_progress));
    }
  }

  /** Sets session configuration (`SET key=value` for this session only). */
  async setConfig(entries: Readonly<Record<string, string>>, signal?: AbortSignal): Promise<void> {
    const pairs = Object.entries(entries).map(([key, value]) => ({ key, value }));
    if (pairs.length === 0) return;
    const response = await this.call((base, context) => this.connection.unary(this.connection.client.Config, { ...base, operation: { set: { pairs } } }, context, signal));
    for (const warning of response.warnings ?? []) this.logger.warn({ warning }, 'Spark config warning');
  }

  /** Session configuration values; `undefined` for keys without a value. */
  async getConfig(keys: readonly string[]): Promise<Record<string, string | undefined>> {
    const response = await this.call((base, context) => this.connection.unary(this.connection.client.Config, { ...base, operation: { get_option: { keys: [...keys] } } }, context));
    const values: Record<string, string | undefined> = Object.fromEntries(keys.map((key) => [key, undefined]));
    for (const pair of response.pairs ?? []) values[pair.key] = pair.value;
    return values;
  }

  /** The server's Spark version, e.g. `4.1.4`. */
  async sparkVersion(): Promise<string> {
    const response = await this.call((base, context) => this.connection.unary(this.connection.client.AnalyzePlan, { ...base, spark_version: {} }, context));
    if (response.spark_version === undefined) throw new SparkConnectError('PROTOCOL', `${this.remote} did not report its Spark version`);
    return response.spark_version.version;
  }

  /** Interrupts one operation; resolves with the ids interrupted (empty when it is not running, or not yet). */
  interrupt(operationId: string): Promise<string[]> {
    return this.interruptBy('INTERRUPT_TYPE_OPERATION_ID', { operation_id: operationId });
  }

  /** Interrupts the operations started with this tag. */
  interruptTag(tag: string): Promise<string[]> {
    return this.interruptBy('INTERRUPT_TYPE_TAG', { operation_tag: tag });
  }

  /** Interrupts every running operation of this session. */
  interruptAll(): Promise<string[]> {
    return this.interruptBy('INTERRUPT_TYPE_ALL', {});
  }

  /**
   * Stops running statements of this session (they reject with `CLOSED`), releases the session
   * on the server and closes the channel. Idempotent; later calls reject with `CLOSED`.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.lifetime.abort(new SparkConnectError('CLOSED', 'The Spark session was closed'));
      await Promise.allSettled([...this.pending]);
      try {
        await this.connection.unary(this.connection.client.ReleaseSession, this.requestBase(), this.callContext());
      } catch (error) {
        this.logger.debug({ err: error instanceof Error ? error.message : String(error) }, 'could not release the Spark session');
      } finally {
        this.connection.close();
        this.logger.info({}, 'Spark Connect session closed');
      }
    })();
    return this.closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private run(query: string, options: QueryOptions & { operationId: string }, stats: ExecutionStats) {
    this.assertOpen();
    for (const tag of options.tags ?? []) {
      if (tag === '' || tag.includes(',')) throw new SparkConnectError('INVALID_ARGUMENT', `Operation tag ${JSON.stringify(tag)} must be non-empty and without commas`);
    }
    const signals = options.signal === undefined ? [this.lifetime.signal] : [options.signal, this.lifetime.signal];
    const plan = { root: { sql: sqlRelation(query, options.parameters) } };
    return executePlan(this.host, plan, { operationId: options.operationId, reattachable: this.reattachable, tags: options.tags, signals }, stats);
  }

  private async interruptBy(type: InterruptType, target: { operation_id?: string; operation_tag?: string }): Promise<string[]> {
    const response = await this.call((base, context) => this.connection.unary(this.connection.client.Interrupt, { ...base, interrupt_type: type, ...target }, context));
    return response.interrupted_ids ?? [];
  }

  /** A unary call with the session's request fields, checking the server-side session id it answers with. */
  private async call<Response extends { server_side_session_id?: string }>(send: (base: RequestBase, context: CallContext) => Promise<Response>): Promise<Response> {
    this.assertOpen();
    const response = await send(this.requestBase(), this.callContext());
    this.observeServerSession(response.server_side_session_id);
    return response;
  }

  private operationIdFor(options: QueryOptions): string {
    const operationId = options.operationId ?? randomUUID();
    if (!UUID.test(operationId)) throw new SparkConnectError('INVALID_ARGUMENT', `operationId must be a UUID, got ${JSON.stringify(operationId)}`);
    return operationId;
  }

  private requestBase(): RequestBase {
    return {
      session_id: this.sessionId,
      user_context: { user_id: this.userId },
      client_type: CLIENT_TYPE,
      ...(this.serverSideSessionId === undefined ? {} : { client_observed_server_side_session_id: this.serverSideSessionId }),
    };
  }

  private observeServerSession(id: string | undefined): void {
    if (id === undefined || id === '') return;
    if (this.serverSideSessionId === undefined) this.serverSideSessionId = id;
    else if (id !== this.serverSideSessionId) {
      throw new SparkConnectError('SESSION_LOST', `The server replaced session ${this.sessionId} (it restarted or dropped the session); connect again`, {
        details: { sessionId: this.sessionId },
      });
    }
  }

  private callContext(): CallContext {
    return { sessionId: this.sessionId, remote: this.remote };
  }

  private assertOpen(): void {
    if (this.closing !== undefined) throw new SparkConnectError('CLOSED', 'The Spark session was closed', { details: { sessionId: this.sessionId } });
  }
}

/** Opens a session on a Spark Connect server and checks that it answers (and accepts the token). */
export function connectSparkSession(options: SparkSessionOptions): Promise<SparkSession> {
  return SparkSession.open(options);
}

function progressOf(operationId: string, progress: ExecutionProgress): QueryProgress {
  return {
    operationId,
    stages: (progress.stages ?? []).map((stage) => ({
      stageId: Number(stage.stage_id ?? 0),
      tasks: Number(stage.num_tasks ?? 0),
      completedTasks: Number(stage.num_completed_tasks ?? 0),
      inputBytesRead: Number(stage.input_bytes_read ?? 0),
      done: stage.done ?? false,
    })),
    inflightTasks: Number(progress.num_inflight_tasks ?? 0),
  };
}

function localUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'fluxo';
  }
}
