import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ConnectionOptions } from 'node:tls';
import { Kafka, type Admin, type KafkaConfig, type SASLOptions } from 'kafkajs';
import { silentLogger, type Logger } from '@fluxo/schema';
import { KafkaClientError, isConnectionError, isRetriableKafkaError, toKafkaClientError } from './errors';
import { kafkajsLogCreator, toKafkajsLogLevel } from './kafka-logger';
import { isPem, redactSettings, resolveKafkaSettings, type KafkaSettings, type KafkaTlsSettings, type ResolvedKafkaSettings } from './settings';

export interface ClusterDescription {
  readonly clusterId: string;
  readonly controllerId: number | null;
  readonly brokers: readonly { readonly nodeId: number; readonly host: string; readonly port: number }[];
}

/**
 * A configured handle on one Kafka cluster. Creating it does no I/O on the network; producers,
 * consumers and the admin helpers connect when used. The kafkajs client stays inside this library
 * (see `kafkajsOf`), so the client can be swapped without touching callers.
 */
export interface FluxoKafka {
  readonly clientId: string;
  readonly brokers: readonly string[];
  readonly logger: Logger;
  /** Resolved settings with secrets redacted, for logs and diagnostics. */
  readonly redactedSettings: Readonly<Record<string, unknown>>;
  /** A metadata round trip: proves the cluster answers. Throws `CONNECTION_FAILED`. */
  describeCluster(): Promise<ClusterDescription>;
}

interface Internals {
  readonly client: Kafka;
  readonly settings: ResolvedKafkaSettings;
}

const internals = new WeakMap<FluxoKafka, Internals>();

/**
 * Builds the client from settings (validated: throws `INVALID_SETTINGS` listing every problem).
 * TLS files are read here, once, synchronously: this runs at startup in the composition root.
 */
export function createKafka(settings: KafkaSettings, logger: Logger = silentLogger): FluxoKafka {
  const resolved = resolveKafkaSettings(settings);
  const config: KafkaConfig = {
    clientId: resolved.clientId,
    brokers: [...resolved.brokers],
    connectionTimeout: resolved.connectionTimeoutMs,
    requestTimeout: resolved.requestTimeoutMs,
    // Every field explicit: kafkajs otherwise switches to different defaults when NODE_ENV=test.
    retry: {
      initialRetryTime: resolved.retry.initialRetryTimeMs,
      maxRetryTime: resolved.retry.maxRetryTimeMs,
      retries: resolved.retry.retries,
      factor: 0.2,
      multiplier: 2,
    },
    logLevel: toKafkajsLogLevel(resolved.clientLogLevel),
    logCreator: kafkajsLogCreator(logger),
    ...(resolved.ssl !== false && { ssl: resolved.ssl === true ? true : loadTls(resolved.ssl) }),
    ...(resolved.sasl !== undefined && { sasl: toSasl(resolved.sasl) }),
  };
  const client = new Kafka(config);
  const redactedSettings = Object.freeze(redactSettings(resolved));

  const kafka: FluxoKafka = {
    clientId: resolved.clientId,
    brokers: resolved.brokers,
    logger,
    redactedSettings,
    describeCluster: async () => {
      try {
        const cluster = await withAdmin(kafka, (admin) => admin.describeCluster());
        return {
          clusterId: cluster.clusterId,
          controllerId: cluster.controller,
          brokers: cluster.brokers.map(({ nodeId, host, port }) => ({ nodeId, host, port })),
        };
      } catch (error) {
        throw toKafkaClientError('CONNECTION_FAILED', `Kafka at ${resolved.brokers.join(',')} did not answer`, error);
      }
    },
  };
  internals.set(kafka, { client, settings: resolved });
  return kafka;
}

/** The kafkajs client behind a `FluxoKafka`. Internal to this library: not exported from the index. */
export function kafkajsOf(kafka: FluxoKafka): Kafka {
  return internalsOf(kafka).client;
}

/** Resolved settings behind a `FluxoKafka` (internal). */
export function settingsOf(kafka: FluxoKafka): ResolvedKafkaSettings {
  return internalsOf(kafka).settings;
}

/**
 * Runs `work` with an admin connection of its own, disconnected afterwards, and runs it again (with the
 * configured back-off) while it fails with a retriable error, e.g. NOT_COORDINATOR while a fresh broker
 * creates its offsets topic. `work` must therefore be idempotent. Not shared on purpose: a kafkajs admin
 * remembers every topic it has looked at and fails all later metadata requests once one of them is deleted.
 * Throws `CONNECTION_FAILED` when it cannot connect; errors of `work` pass through.
 */
export async function withAdmin<T>(kafka: FluxoKafka, work: (admin: Admin) => Promise<T>): Promise<T> {
  const { retry } = internalsOf(kafka).settings;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await withAdminOnce(kafka, work);
    } catch (error) {
      if (attempt >= retry.retries || !isRetriableKafkaError(error)) throw error;
      await sleep(Math.min(retry.maxRetryTimeMs, retry.initialRetryTimeMs * 2 ** attempt));
    }
  }
}

async function withAdminOnce<T>(kafka: FluxoKafka, work: (admin: Admin) => Promise<T>): Promise<T> {
  const { client, settings } = internalsOf(kafka);
  const admin = client.admin();
  try {
    await admin.connect();
  } catch (error) {
    const code = isConnectionError(error) ? 'CONNECTION_FAILED' : 'ADMIN_FAILED';
    throw toKafkaClientError(code, `Could not connect an admin client to ${settings.brokers.join(',')}`, error);
  }
  try {
    return await work(admin);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

function internalsOf(kafka: FluxoKafka): Internals {
  const state = internals.get(kafka);
  if (state === undefined) throw new KafkaClientError('INVALID_SETTINGS', 'Not a FluxoKafka created by createKafka()');
  return state;
}

function loadTls(tls: KafkaTlsSettings): ConnectionOptions {
  return {
    ...(tls.ca !== undefined && { ca: [pemOrFile('ssl.ca', tls.ca)] }),
    ...(tls.cert !== undefined && { cert: pemOrFile('ssl.cert', tls.cert) }),
    ...(tls.key !== undefined && { key: pemOrFile('ssl.key', tls.key) }),
    rejectUnauthorized: tls.rejectUnauthorized ?? true,
  };
}

function pemOrFile(name: string, value: string): string {
  if (isPem(value)) return value;
  try {
    return readFileSync(value, 'utf8');
  } catch (cause) {
    throw new KafkaClientError('INVALID_SETTINGS', `${name}: cannot read ${value}`, { cause });
  }
}

function toSasl(sasl: NonNullable<ResolvedKafkaSettings['sasl']>): SASLOptions {
  const { username, password } = sasl;
  switch (sasl.mechanism) {
    case 'plain':
      return { mechanism: 'plain', username, password };
    case 'scram-sha-256':
      return { mechanism: 'scram-sha-256', username, password };
    case 'scram-sha-512':
      return { mechanism: 'scram-sha-512', username, password };
  }
}
