import { FluxoError, type FluxoErrorOptions } from '@fluxo/schema';

export type StreamIngestErrorCode =
  | 'HTTP_STATUS'
  | 'BAD_CONTENT_TYPE'
  | 'CONNECT_TIMEOUT'
  | 'CONNECT_FAILED'
  | 'STREAM_STALLED'
  | 'STREAM_ENDED'
  | 'STREAM_BROKEN'
  | 'WEBSOCKET_PROTOCOL'
  | 'STATE_CORRUPT';

/**
 * Errors of a stream connection or of the producer's state. Connection errors are retriable (the
 * session reconnects with backoff); `STATE_CORRUPT` is not (a person must look at the state dir).
 */
export class StreamIngestError extends FluxoError<StreamIngestErrorCode> {
  constructor(code: StreamIngestErrorCode, message: string, options: FluxoErrorOptions = {}) {
    super(code, message, { retriable: code !== 'STATE_CORRUPT', ...options });
  }
}
