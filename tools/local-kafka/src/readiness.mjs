// @ts-check
/** "Is the broker really there?": a free-port check before start and a Kafka metadata round trip after. */
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import kafkajs from 'kafkajs';

/**
 * True when nothing listens on host:port (we can bind it ourselves).
 * @param {number} port
 * @param {string} host
 * @returns {Promise<boolean>}
 */
export function isPortFree(port, host) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * One metadata request through kafkajs: resolves with the broker count, rejects when the broker does not answer.
 * @param {string} bootstrap host:port
 * @returns {Promise<number>}
 */
export async function probe(bootstrap) {
  const kafka = new kafkajs.Kafka({
    clientId: 'fluxo-local-kafka-probe',
    brokers: [bootstrap],
    logLevel: kafkajs.logLevel.NOTHING,
    connectionTimeout: 1_000,
    requestTimeout: 3_000,
    retry: { retries: 0, initialRetryTime: 100, maxRetryTime: 100, factor: 0, multiplier: 1 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Polls `probe` until it succeeds, `gaveUp()` returns a reason (e.g. the JVM exited), or the timeout passes.
 * @param {string} bootstrap
 * @param {{ timeoutMs: number, gaveUp: () => string | undefined }} options
 * @returns {Promise<void>}
 */
export async function waitUntilReady(bootstrap, { timeoutMs, gaveUp }) {
  const deadline = Date.now() + timeoutMs;
  /** @type {unknown} */
  let lastError;
  while (Date.now() < deadline) {
    const reason = gaveUp();
    if (reason !== undefined) throw new Error(reason);
    try {
      if ((await probe(bootstrap)) > 0) return;
    } catch (error) {
      lastError = error;
    }
    await sleep(250);
  }
  const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
  throw new Error(`the broker did not answer a metadata request at ${bootstrap} within ${Math.round(timeoutMs / 1000)} s${detail}`);
}
