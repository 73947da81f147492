// @ts-check
/** "Is Spark really there?": a real `SELECT 1` through Spark Connect (a session, a plan, an Arrow batch back). */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import { DESCRIPTOR_PATH, HOST } from './paths.mjs';

export { isPortFree } from '../../local-kafka/src/readiness.mjs';

/** @type {grpc.ServiceClientConstructor | undefined} */
let Service;

function service() {
  if (Service === undefined) {
    const definition = protoLoader.fromJSON(JSON.parse(readFileSync(DESCRIPTOR_PATH, 'utf8')), { longs: String, enums: String, defaults: false, oneofs: true });
    Service = grpc.makeGenericClientConstructor(/** @type {grpc.ServiceDefinition} */ (definition['spark.connect.SparkConnectService']), 'spark.connect.SparkConnectService');
  }
  return Service;
}

/**
 * Runs `SELECT 1` in a throwaway session and releases it. Resolves with the milliseconds it took;
 * rejects with the gRPC error (UNAVAILABLE while the port is not open yet).
 * @param {{ port: number, token?: string, deadlineMs: number }} options
 * @returns {Promise<number>}
 */
export async function probe({ port, token, deadlineMs }) {
  const Client = service();
  const client = new Client(`${HOST}:${port}`, grpc.credentials.createInsecure());
  const metadata = new grpc.Metadata();
  if (token !== undefined) metadata.set('authorization', `Bearer ${token}`);
  const base = { session_id: randomUUID(), user_context: { user_id: 'fluxo-local-spark' }, client_type: 'fluxo-local-spark-probe' };
  const started = Date.now();
  try {
    const rows = await new Promise((resolve, reject) => {
      /** @type {grpc.ClientReadableStream<{ arrow_batch?: { row_count?: string } }>} */
      const call = /** @type {any} */ (client).ExecutePlan(
        { ...base, operation_id: randomUUID(), plan: { root: { sql: { query: 'SELECT 1' } } } },
        metadata,
        { deadline: Date.now() + deadlineMs },
      );
      let count = 0;
      call.on('data', (response) => {
        count += Number(response.arrow_batch?.row_count ?? 0);
      });
      call.on('error', reject);
      call.on('end', () => resolve(count));
    });
    if (rows !== 1) throw new Error(`SELECT 1 returned ${rows} rows`);
    return Date.now() - started;
  } finally {
    await new Promise((resolve) => /** @type {any} */ (client).ReleaseSession(base, metadata, { deadline: Date.now() + 5_000 }, resolve));
    client.close();
  }
}

/**
 * Polls `probe` until it succeeds, `gaveUp()` names a reason (the JVM exited), or the timeout passes.
 * @param {{ port: number, token?: string, timeoutMs: number, gaveUp: () => string | undefined }} options
 * @returns {Promise<void>}
 */
export async function waitUntilReady({ port, token, timeoutMs, gaveUp }) {
  const deadline = Date.now() + timeoutMs;
  /** @type {unknown} */
  let lastError;
  while (Date.now() < deadline) {
    const reason = gaveUp();
    if (reason !== undefined) throw new Error(reason);
    try {
      await probe({ port, token, deadlineMs: Math.max(1_000, deadline - Date.now()) });
      return;
    } catch (error) {
      lastError = error;
    }
    await sleep(500);
  }
  const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
  throw new Error(`Spark Connect did not answer SELECT 1 at ${HOST}:${port} within ${Math.round(timeoutMs / 1000)} s${detail}`);
}
