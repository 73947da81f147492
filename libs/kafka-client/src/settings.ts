import { KafkaClientError } from './errors';

const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

export interface KafkaSaslSettings {
  readonly mechanism: SaslMechanism;
  readonly username: string;
  /** Secret: never logged (see `redactSettings`). */
  readonly password: string;
}

/** TLS material: each of `ca`, `cert`, `key` is either PEM text or a path to a PEM file. */
export interface KafkaTlsSettings {
  readonly ca?: string;
  readonly cert?: string;
  /** Secret when given as PEM text: never logged. */
  readonly key?: string;
  /** Verify the broker's certificate. Default true; turn off only for a self-signed dev cluster. */
  readonly rejectUnauthorized?: boolean;
}

export interface KafkaRetrySettings {
  /** First back-off after a failed request. */
  readonly initialRetryTimeMs: number;
  /** Back-off ceiling; it doubles up to this. */
  readonly maxRetryTimeMs: number;
  /** Attempts after the first before the operation fails. */
  readonly retries: number;
}

/** Log level kafkajs itself runs at; its messages go through our Logger (see kafka-logger.ts). */
export type KafkaClientLogLevel = 'error' | 'warn' | 'info' | 'debug';

/** How to reach a Kafka cluster. Pointing fluxo at another cluster is a matter of these settings only. */
export interface KafkaSettings {
  /** Bootstrap brokers, `host:port` each. */
  readonly brokers: readonly string[];
  /** Identifies this process in broker logs and quotas, e.g. `fluxo-ingest`. */
  readonly clientId: string;
  /** `true` for TLS with the system CAs, or explicit TLS material. Default: plaintext. */
  readonly ssl?: boolean | KafkaTlsSettings;
  readonly sasl?: KafkaSaslSettings;
  /** TCP connect timeout per broker. Default 3000. */
  readonly connectionTimeoutMs?: number;
  /** Time a request may wait for its response. Default 30000. */
  readonly requestTimeoutMs?: number;
  /** Retries of failed requests inside kafkajs. Defaults: 300 ms, 30 s, 5 retries. */
  readonly retry?: Partial<KafkaRetrySettings>;
  /** Default 'info' (kafkajs INFO is logged at our debug level; WARN and ERROR pass through). */
  readonly clientLogLevel?: KafkaClientLogLevel;
}

/** Settings with every default applied; what the rest of the library works with. */
export interface ResolvedKafkaSettings {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly ssl: false | true | KafkaTlsSettings;
  readonly sasl: KafkaSaslSettings | undefined;
  readonly connectionTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly retry: KafkaRetrySettings;
  readonly clientLogLevel: KafkaClientLogLevel;
}

export const KAFKA_SETTINGS_DEFAULTS = {
  connectionTimeoutMs: 3_000,
  requestTimeoutMs: 30_000,
  retry: { initialRetryTimeMs: 300, maxRetryTimeMs: 30_000, retries: 5 },
  clientLogLevel: 'info',
} as const satisfies Omit<ResolvedKafkaSettings, 'brokers' | 'clientId' | 'ssl' | 'sasl'>;

const BROKER_PATTERN = /^(?:\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+):(\d{1,5})$/;
const CLIENT_ID_PATTERN = /^[A-Za-z0-9._-]{1,255}$/;
const LOG_LEVELS: readonly KafkaClientLogLevel[] = ['error', 'warn', 'info', 'debug'];

/**
 * Applies defaults and validates. Throws `KafkaClientError('INVALID_SETTINGS')` listing every problem at once.
 * Runtime checks on purpose: settings often come from environment variables or JSON.
 */
export function resolveKafkaSettings(settings: KafkaSettings): ResolvedKafkaSettings {
  const problems: string[] = [];
  const brokers: unknown = settings.brokers;
  if (!Array.isArray(brokers) || brokers.length === 0) {
    problems.push('brokers: must list at least one host:port');
  } else {
    brokers.forEach((broker: unknown, index) => {
      const match = typeof broker === 'string' ? BROKER_PATTERN.exec(broker) : null;
      if (!match || Number(match[1]) < 1 || Number(match[1]) > 65535) problems.push(`brokers[${index}]: ${JSON.stringify(broker)} is not host:port`);
    });
  }
  if (typeof settings.clientId !== 'string' || !CLIENT_ID_PATTERN.test(settings.clientId)) {
    problems.push('clientId: must be 1-255 characters of letters, digits, ".", "_" or "-"');
  }
  const connectionTimeoutMs = settings.connectionTimeoutMs ?? KAFKA_SETTINGS_DEFAULTS.connectionTimeoutMs;
  const requestTimeoutMs = settings.requestTimeoutMs ?? KAFKA_SETTINGS_DEFAULTS.requestTimeoutMs;
  const retry: KafkaRetrySettings = { ...KAFKA_SETTINGS_DEFAULTS.retry, ...settings.retry };
  checkInteger(problems, 'connectionTimeoutMs', connectionTimeoutMs, 1);
  checkInteger(problems, 'requestTimeoutMs', requestTimeoutMs, 1);
  checkInteger(problems, 'retry.initialRetryTimeMs', retry.initialRetryTimeMs, 1);
  checkInteger(problems, 'retry.maxRetryTimeMs', retry.maxRetryTimeMs, 1);
  checkInteger(problems, 'retry.retries', retry.retries, 0);
  if (retry.initialRetryTimeMs > retry.maxRetryTimeMs) problems.push('retry.initialRetryTimeMs: must not exceed retry.maxRetryTimeMs');
  const clientLogLevel = settings.clientLogLevel ?? KAFKA_SETTINGS_DEFAULTS.clientLogLevel;
  if (!LOG_LEVELS.includes(clientLogLevel)) problems.push(`clientLogLevel: must be one of ${LOG_LEVELS.join(', ')}`);
  problems.push(...tlsProblems(settings.ssl), ...saslProblems(settings.sasl));

  if (problems.length > 0) {
    throw new KafkaClientError('INVALID_SETTINGS', `Invalid Kafka settings:\n  - ${problems.join('\n  - ')}`);
  }
  return {
    brokers: [...settings.brokers],
    clientId: settings.clientId,
    ssl: settings.ssl ?? false,
    sasl: settings.sasl,
    connectionTimeoutMs,
    requestTimeoutMs,
    retry,
    clientLogLevel,
  };
}

function checkInteger(problems: string[], name: string, value: unknown, min: number): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) problems.push(`${name}: must be an integer >= ${min}`);
}

function tlsProblems(ssl: KafkaSettings['ssl']): string[] {
  if (ssl === undefined || typeof ssl === 'boolean') return [];
  if (typeof ssl !== 'object' || ssl === null) return ['ssl: must be true, false or an object with ca/cert/key'];
  const problems: string[] = [];
  for (const name of ['ca', 'cert', 'key'] as const) {
    const value: unknown = ssl[name];
    if (value !== undefined && (typeof value !== 'string' || value.trim() === '')) problems.push(`ssl.${name}: must be PEM text or a file path`);
  }
  if ((ssl.cert === undefined) !== (ssl.key === undefined)) problems.push('ssl: cert and key go together (client certificate authentication)');
  if (ssl.rejectUnauthorized !== undefined && typeof ssl.rejectUnauthorized !== 'boolean') problems.push('ssl.rejectUnauthorized: must be a boolean');
  return problems;
}

function saslProblems(sasl: KafkaSettings['sasl']): string[] {
  if (sasl === undefined) return [];
  const problems: string[] = [];
  if (!SASL_MECHANISMS.includes(sasl.mechanism)) problems.push(`sasl.mechanism: must be one of ${SASL_MECHANISMS.join(', ')}`);
  if (typeof sasl.username !== 'string' || sasl.username === '') problems.push('sasl.username: must not be empty');
  if (typeof sasl.password !== 'string' || sasl.password === '') problems.push('sasl.password: must not be empty');
  return problems;
}

const REDACTED = '[redacted]';

/** True when a TLS setting holds PEM text rather than a file path. */
export function isPem(value: string): boolean {
  return value.includes('-----BEGIN ');
}

/**
 * A copy safe to log: the SASL password and inline private keys are replaced, inline certificates are
 * summarised. File paths stay (they are not secret and they help debugging).
 */
export function redactSettings(settings: KafkaSettings | ResolvedKafkaSettings): Record<string, unknown> {
  const { ssl, sasl, ...rest } = settings;
  const redacted: Record<string, unknown> = { ...rest };
  if (ssl !== undefined) {
    redacted['ssl'] =
      typeof ssl === 'boolean'
        ? ssl
        : {
            ...(ssl.ca !== undefined && { ca: isPem(ssl.ca) ? `<PEM, ${ssl.ca.length} chars>` : ssl.ca }),
            ...(ssl.cert !== undefined && { cert: isPem(ssl.cert) ? `<PEM, ${ssl.cert.length} chars>` : ssl.cert }),
            ...(ssl.key !== undefined && { key: isPem(ssl.key) ? REDACTED : ssl.key }),
            ...(ssl.rejectUnauthorized !== undefined && { rejectUnauthorized: ssl.rejectUnauthorized }),
          };
  }
  if (sasl !== undefined) redacted['sasl'] = { mechanism: sasl.mechanism, username: sasl.username, password: REDACTED };
  return redacted;
}
