import { setTimeout as sleep } from 'node:timers/promises';
import type { ClientReadableStream } from '@grpc/grpc-js';
import type { Logger } from '@fluxo/schema';
import type { Connection } from './connection';
import { SparkConnectError } from './errors';
import { toSparkConnectError, type CallContext } from './grpc-errors';
import type { ExecutePlanResponse, Plan, RequestBase } from './protocol';

/** What an execution needs from its session. */
export interface ExecutionHost {
  readonly connection: Connection;
  readonly logger: Logger;
  readonly sessionId: string;
  /** session id, user context, client type, and the server-side session id seen so far. */
  requestBase(): RequestBase;
  /** Records the server-side session id of a response; throws `SESSION_LOST` when it changes. */
  observeServerSession(serverSideSessionId: string | undefined): void;
  /** Keeps a clean-up call running after the caller has its result; `close()` waits for it. */
  background(task: Promise<void>): void;
}

export interface ExecutionOptions {
  readonly operationId: string;
  /** Ask the server to keep the results so a broken or server-closed stream resumes with ReattachExecute. */
  readonly reattachable: boolean;
  readonly tags?: readonly string[];
  /**
   * Any of these aborting cancels the operation (the caller's signal, the session's lifetime).
   * Listened to directly: Node 20's `AbortSignal.any()` can lose its dependants to the garbage
   * collector, so a long-running operation would never see the abort.
   */
  readonly signals?: readonly AbortSignal[];
  /** Consecutive transport failures tolerated per operation (with exponential backoff). Default 5. */
  readonly maxRetries?: number;
}

export interface ExecutionStats {
  /** ReattachExecute calls: the server closed the stream early, or the connection broke. */
  reattaches: number;
  /** Transport failures retried. */
  retries: number;
}

const RETRY_BASE_MS = 100;
const RETRY_MAX_MS = 5_000;

/**
 * Runs one plan and yields every response of the operation exactly once, across reattaches:
 * with `reattachable`, a stream that ends without `result_complete` (the server bounds each stream's
 * size and duration) or breaks on a transport error is resumed after the last response received;
 * when it completes, the server's copy is released. If the caller stops early, the signal fires or
 * anything fails, the operation is interrupted on the server.
 */
export async function* executePlan(host: ExecutionHost, plan: Plan, options: ExecutionOptions, stats: ExecutionStats): AsyncGenerator<ExecutePlanResponse> {
  const { operationId, reattachable } = options;
  const signals = options.signals ?? [];
  const aborted = (): AbortSignal | undefined => signals.find((candidate) => candidate.aborted);
  const maxRetries = options.maxRetries ?? 5;
  const context: CallContext = { operationId, sessionId: host.sessionId, remote: host.connection.description };
  const logger = host.logger.child({ operationId });
  let lastResponseId: string | undefined;
  let complete = false;
  let failures = 0;
  let mode: 'execute' | 'reattach' = 'execute';
  let finished = false;
  let current: ClientReadableStream<ExecutePlanResponse> | undefined;
  const onAbort = (): void => current?.cancel();
  for (const signal of signals) signal.addEventListener('abort', onAbort, { once: true });

  try {
    const early = aborted();
    if (early !== undefined) throw cancelled(early, operationId);
    for (;;) {
      const call = mode === 'execute' ? startExecute(host, plan, options) : startReattach(host, operationId, lastResponseId);
      current = call;
      try {
        for await (const response of call as AsyncIterable<ExecutePlanResponse>) {
          host.observeServerSession(response.server_side_session_id);
          failures = 0;
          if (response.response_id !== undefined) lastResponseId = response.response_id;
          if (response.response_type === 'result_complete') complete = true;
          yield response;
        }
      } catch (thrown) {
        const abortedBy = aborted();
        if (abortedBy !== undefined) throw cancelled(abortedBy, operationId);
        const error = toSparkConnectError(thrown, context);
        const next = afterFailure(error, { reattachable, mode, received: lastResponseId !== undefined });
        if (next === 'fail' || failures >= maxRetries) throw error;
        failures += 1;
        stats.retries += 1;
        logger.warn({ code: error.code, grpcStatus: error.grpcStatus, attempt: failures, resume: next }, 'Spark Connect stream failed; resuming');
        await backoff(failures, signals, operationId);
        if (next === 'reattach') stats.reattaches += 1;
        mode = next;
        continue;
      } finally {
        current = undefined;
        call.cancel();
      }
      if (!reattachable || complete) break;
      // The server ended this stream without result_complete: the rest follows on a reattached stream.
      stats.reattaches += 1;
      logger.debug({ lastResponseId, reattaches: stats.reattaches }, 'Spark Connect stream ended early; reattaching');
      mode = 'reattach';
    }
    finished = true;
  } finally {
    for (const signal of signals) signal.removeEventListener('abort', onAbort);
    if (!finished) {
      // Stopped early or failed: the operation is interrupted and released before the caller hears of it.
      await releaseOperation(host, operationId, { interrupt: true, reattachable }, logger);
    } else if (reattachable) {
      // Complete: freeing the server's copy need not delay the result by a round trip.
      host.background(releaseOperation(host, operationId, { interrupt: false, reattachable }, logger));
    }
  }
}

type NextStep = 'execute' | 'reattach' | 'fail';

/**
 * After a failed stream: re-send the plan when the server may never have seen it, reattach when it
 * has, give up otherwise.
 */
function afterFailure(error: SparkConnectError, state: { reattachable: boolean; mode: 'execute' | 'reattach'; received: boolean }): NextStep {
  if (error.errorClass === 'INVALID_HANDLE.OPERATION_ALREADY_EXISTS') return state.reattachable ? 'reattach' : 'fail';
  if (error.code === 'OPERATION_LOST' && state.mode === 'reattach' && !state.received) return 'execute';
  if (!isTransient(error)) return 'fail';
  if (!state.reattachable) return state.received ? 'fail' : 'execute';
  return state.received || state.mode === 'reattach' ? 'reattach' : 'execute';
}

/** A transport failure (connection refused or dropped, stream reset) rather than an answer from Spark. */
function isTransient(error: SparkConnectError): boolean {
  return error.code === 'UNAVAILABLE' || (error.code === 'INTERNAL' && error.errorClass === undefined);
}

function startExecute(host: ExecutionHost, plan: Plan, options: ExecutionOptions): ClientReadableStream<ExecutePlanResponse> {
  return host.connection.client.ExecutePlan(
    {
      ...host.requestBase(),
      operation_id: options.operationId,
      plan,
      request_options: options.reattachable ? [{ reattach_options: { reattachable: true } }] : [],
      tags: [...(options.tags ?? [])],
    },
    host.connection.metadata(),
  );
}

function startReattach(host: ExecutionHost, operationId: string, lastResponseId: string | undefined): ClientReadableStream<ExecutePlanResponse> {
  return host.connection.client.ReattachExecute(
    { ...host.requestBase(), operation_id: operationId, ...(lastResponseId === undefined ? {} : { last_response_id: lastResponseId }) },
    host.connection.metadata(),
  );
}

/**
 * Frees the server's copy of the operation's results (ReleaseAll also interrupts it if still running);
 * a non-reattachable operation that did not finish is interrupted instead. Best effort: the server
 * drops abandoned operations after `spark.connect.execute.manager.detachedTimeout` anyway.
 */
async function releaseOperation(host: ExecutionHost, operationId: string, how: { interrupt: boolean; reattachable: boolean }, logger: Logger): Promise<void> {
  const context: CallContext = { operationId, sessionId: host.sessionId, remote: host.connection.description };
  const client = host.connection.client;
  try {
    if (how.interrupt) {
      await host.connection.unary(client.Interrupt, { ...host.requestBase(), interrupt_type: 'INTERRUPT_TYPE_OPERATION_ID', operation_id: operationId }, context);
    }
    if (how.reattachable) {
      await host.connection.unary(client.ReleaseExecute, { ...host.requestBase(), operation_id: operationId, release_all: {} }, context);
    }
  } catch (error) {
    logger.debug({ err: error instanceof Error ? error.message : String(error) }, 'could not release a Spark Connect operation');
  }
}

async function backoff(attempt: number, signals: readonly AbortSignal[], operationId: string): Promise<void> {
  const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (attempt - 1));
  const wake = new AbortController();
  const onAbort = (): void => wake.abort();
  for (const signal of signals) signal.addEventListener('abort', onAbort, { once: true });
  try {
    await sleep(delay, undefined, { signal: wake.signal });
  } catch {
    const abortedBy = signals.find((signal) => signal.aborted);
    throw cancelled(abortedBy, operationId);
  } finally {
    for (const signal of signals) signal.removeEventListener('abort', onAbort);
  }
}

function cancelled(signal: AbortSignal | undefined, operationId: string): SparkConnectError {
  const reason: unknown = signal?.reason;
  if (reason instanceof SparkConnectError && reason.code === 'CLOSED') {
    return new SparkConnectError('CLOSED', `Operation ${operationId} was stopped: the session was closed`, { cause: reason, details: { operationId } });
  }
  return new SparkConnectError('CANCELLED', `Operation ${operationId} was cancelled by the caller`, { cause: signal?.reason, details: { operationId } });
}
