import { describeError, type Logger } from '@fluxo/schema';
import { connectSparkSession, parseRemote, SparkConnectError, type SparkSession } from '@fluxo/spark-connect';
import { NormalizerError } from '../errors';

/** Spark Connect failures that mean "the engine is away", never "this input is bad". */
const OUTAGE_CODES: ReadonlySet<string> = new Set(['UNAVAILABLE', 'DEADLINE_EXCEEDED', 'SESSION_LOST']);

/**
 * Failures that may be the statement's or the server's: a server stopping mid-job fails it with
 * `QUERY_FAILED` ("Cannot call methods on a stopped SparkContext", no error class) before the port
 * closes. Told apart by asking the server for `SELECT 1` right after: if that fails too, it is an outage.
 */
const AMBIGUOUS_CODES: ReadonlySet<string> = new Set(['QUERY_FAILED', 'INTERRUPTED', 'INTERNAL']);

export interface SparkLinkOptions {
  /** `sc://…` with its token (a secret: only `address` is ever logged). */
  readonly remote: string;
  /** Session settings, applied again on every new session (a restarted server forgets them). */
  readonly config: Readonly<Record<string, string>>;
  readonly logger: Logger;
  /** Told every change of availability (metrics); the first report comes from `open()`. */
  readonly onAvailability?: (available: boolean) => void;
}

/**
 * The normalizer's Spark Connect session, kept across outages. A call that finds the server
 * unreachable (or restarted: the session is gone) closes the session and throws
 * `ENGINE_UNAVAILABLE` — retriable, and never counted against the raw file being mapped: the
 * consumer retries the batch with back-off (heartbeating) and the next call connects again.
 * `waiting` names what readiness reports meanwhile ("waiting for Spark Connect at sc://host:port").
 */
export class SparkLink implements AsyncDisposable {
  /** `sc://host:port`, without the token. */
  readonly address: string;
  private session: SparkSession | undefined;
  private connecting: Promise<SparkSession> | undefined;
  private available: boolean | undefined;

  private constructor(private readonly options: SparkLinkOptions) {
    const remote = parseRemote(options.remote);
    this.address = `sc://${remote.host}:${remote.port}`;
  }

  /** Connects once; an unreachable server is logged and reported, not thrown: the first batch waits for it. */
  static async open(options: SparkLinkOptions): Promise<SparkLink> {
    const link = new SparkLink(options);
    try {
      await link.connected();
    } catch (error) {
      if (!(error instanceof NormalizerError && error.code === 'ENGINE_UNAVAILABLE')) throw error;
    }
    return link;
  }

  /** Why the engine is not ready, or undefined when the last call reached it. */
  get waiting(): string | undefined {
    return this.available === true ? undefined : `waiting for Spark Connect at ${this.address}`;
  }

  /** Runs one statement; throws `ENGINE_UNAVAILABLE` during an outage, Spark's other errors as they are. */
  async sql(query: string): Promise<{ readonly operationId: string }> {
    const session = await this.connected();
    try {
      const { operationId } = await session.sql(query);
      return { operationId };
    } catch (error) {
      if (error instanceof SparkConnectError && AMBIGUOUS_CODES.has(error.code) && !(await this.answers(session))) {
        throw await this.outage(new SparkConnectError('UNAVAILABLE', `the server failed a statement and then SELECT 1: ${error.message}`, { cause: error, retriable: true }), session);
      }
      throw await this.outage(error, session);
    }
  }

  /** Whether the server still runs a trivial statement on `session`. */
  private async answers(session: SparkSession): Promise<boolean> {
    try {
      await session.sql('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    await session?.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private async connected(): Promise<SparkSession> {
    if (this.session !== undefined) return this.session;
    this.connecting ??= connectSparkSession({ remote: this.options.remote, logger: this.options.logger, config: this.options.config }).finally(() => (this.connecting = undefined));
    try {
      this.session = await this.connecting;
    } catch (error) {
      throw await this.outage(error, undefined);
    }
    this.report(true);
    return this.session;
  }

  /** The error to throw for `error`: an outage becomes `ENGINE_UNAVAILABLE` and drops the session. */
  private async outage(error: unknown, session: SparkSession | undefined): Promise<unknown> {
    if (!(error instanceof SparkConnectError && OUTAGE_CODES.has(error.code))) return error;
    if (session !== undefined && this.session === session) {
      this.session = undefined;
      await session.close().catch(() => undefined);
    }
    this.report(false, error);
    return new NormalizerError('ENGINE_UNAVAILABLE', `${this.waiting ?? 'Spark Connect unavailable'}: ${describeError(error)}`, {
      retriable: true,
      cause: error,
      context: { remote: this.address, sparkCode: error.code },
    });
  }

  private report(available: boolean, error?: unknown): void {
    if (this.available === available) return;
    this.available = available;
    if (available) this.options.logger.info({ remote: this.address }, `Spark Connect at ${this.address} answers`);
    else this.options.logger.warn({ remote: this.address, error: describeError(error) }, `waiting for Spark Connect at ${this.address}`);
    this.options.onAvailability?.(available);
  }
}
