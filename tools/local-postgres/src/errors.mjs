// @ts-check
/**
 * Why a local PostgreSQL could not be started, stopped or inspected. Callers branch on `code`, never on the
 * message; the CLI prints the message alone (no stack trace) and exits with `exitCode`.
 * @typedef {'MISSING_BINARIES' | 'NO_SERVER_ACCOUNT' | 'DATA_DIR' | 'PORT_IN_USE' | 'ALREADY_RUNNING' | 'START_FAILED' | 'COMMAND_FAILED' | 'USAGE'} LocalPostgresErrorCode
 */

/** Codes meaning "something is missing on this machine" (exit code 2, like local-kafka's missing Java). */
const PREREQUISITES = new Set(['MISSING_BINARIES', 'NO_SERVER_ACCOUNT']);

export class LocalPostgresError extends Error {
  /**
   * @param {LocalPostgresErrorCode} code
   * @param {string} message what went wrong and how to fix it
   * @param {{ cause?: unknown, dataDir?: string, port?: number }} [context]
   */
  constructor(code, message, context = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    this.name = 'LocalPostgresError';
    /** @readonly */
    this.code = code;
    /** @readonly */
    this.dataDir = context.dataDir;
    /** @readonly */
    this.port = context.port;
    /** @readonly 2 for missing prerequisites, 1 otherwise */
    this.exitCode = PREREQUISITES.has(code) ? 2 : 1;
  }
}
