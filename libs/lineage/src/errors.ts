import { FluxoError, type FluxoErrorOptions } from '@fluxo/schema';

/** Every way this library fails. `EMIT_FAILED` is retriable (the endpoint or the disk may come back). */
export type LineageErrorCode = 'INVALID_OPTIONS' | 'EMIT_FAILED';

export class LineageError extends FluxoError<LineageErrorCode> {
  constructor(code: LineageErrorCode, message: string, options: FluxoErrorOptions = {}) {
    super(code, message, options);
  }
}
