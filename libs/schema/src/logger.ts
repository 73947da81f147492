/**
 * The logging contract every fluxo library accepts. It is the subset of pino's API we use,
 * so an app passes its pino logger straight in, and tests pass `silentLogger` or a recorder.
 * Log with fields, not string interpolation: `logger.info({ topic, offset }, 'published')`.
 */
export interface Logger {
  debug(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
  child(bindings: object): Logger;
}

export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
