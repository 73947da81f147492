import { FluxoError, type FluxoErrorOptions } from '@fluxo/schema';

export type IngestErrorCode =
  | 'HTTP_STATUS'
  | 'HTTP_TIMEOUT'
  | 'HTTP_NETWORK'
  | 'RESPONSE_TOO_LARGE'
  | 'REDIRECT_REFUSED'
  | 'RECORD_TOO_LARGE'
  | 'MALFORMED_BODY'
  | 'RESPONSE_SHAPE';

/** Errors of a poll. Retriable ones are retried with backoff; the rest are quarantined. */
export class IngestError extends FluxoError<IngestErrorCode> {
  constructor(code: IngestErrorCode, message: string, options: FluxoErrorOptions = {}) {
    super(code, message, options);
  }
}
