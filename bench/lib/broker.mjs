// @ts-check
/**
 * The one real Kafka broker of a bench run: tools/local-kafka's single-node KRaft broker on its
 * own ports and a fresh data directory, so it never touches a developer's broker (9092) or data.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { startBroker } from '../../tools/local-kafka/broker.mjs';
import { BENCH_HOME } from './paths.mjs';

/** FLUXO_BENCH_KAFKA_PORT moves the broker (controller on the next port, own data dir), so a long run can go on beside another. */
export const BENCH_BROKER_PORT = Number(process.env['FLUXO_BENCH_KAFKA_PORT'] ?? 29192);
export const BENCH_CONTROLLER_PORT = BENCH_BROKER_PORT + 1;

/** @param {(m: string) => void} log */
export async function startBenchBroker(log) {
  const dataDir = join(BENCH_HOME, BENCH_BROKER_PORT === 29192 ? 'kafka' : `kafka-${BENCH_BROKER_PORT}`);
  await rm(dataDir, { recursive: true, force: true });
  const broker = await startBroker({ port: BENCH_BROKER_PORT, controllerPort: BENCH_CONTROLLER_PORT, dataDir, graceMs: 10_000 });
  log(`kafka broker ready on ${broker.brokers.join(',')} after ${broker.readyAfterMs} ms (pid ${broker.pid}, data ${dataDir})`);
  return broker;
}
