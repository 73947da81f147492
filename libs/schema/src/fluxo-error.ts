/**
 * Base class for every error a fluxo library throws. Callers branch on `code` (a closed union per
 * library) and `retriable`, never on message text. Context travels as fields, not inside the message.
 */
export interface FluxoErrorOptions {
  readonly retriable?: boolean;
  readonly cause?: unknown;
  readonly context?: Readonly<Record<string, unknown>>;
}

export abstract class FluxoError<Code extends string = string> extends Error {
  readonly code: Code;
  readonly retriable: boolean;
  readonly context: Readonly<Record<string, unknown>>;

  protected constructor(code: Code, message: string, options: FluxoErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
    this.context = options.context ?? {};
  }

  /** A plain object for structured logs and dead-letter events. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      retriable: this.retriable,
      context: this.context,
      cause: this.cause instanceof Error ? this.cause.message : this.cause,
    };
  }
}

/** Node's `error.code` of a system error (`ENOENT`, `ENOSPC`…), if any. */
export function errnoOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

/** Message of anything thrown, for logs. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
