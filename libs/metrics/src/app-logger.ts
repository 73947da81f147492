import pino, { type DestinationStream, type Logger as PinoLogger } from 'pino';
import type { LogLevel } from '@fluxo/schema';

export interface AppLoggerOptions {
  /** Where the JSON lines go (default: stdout). */
  readonly destination?: DestinationStream;
}

/**
 * An app's structured logger: pino JSON lines on stdout, every line carrying `name` and `app` (the
 * app's name) and `pid`. Each app's composition root calls it once with its own name and configured
 * level and passes the result down; libraries only ever see libs/schema's `Logger` interface (a pino
 * logger is one), the app itself may use pino's own options (e.g. a child with its own level).
 */
export function createAppLogger(app: string, level: LogLevel, options: AppLoggerOptions = {}): PinoLogger {
  const settings = { name: app, level, base: { app, pid: process.pid } };
  return options.destination === undefined ? pino(settings) : pino(settings, options.destination);
}
