import { FluxoError, type FluxoErrorOptions } from '@fluxo/schema';

export type StreamIngestErrorCode =
  | 'HTTP_STATUS'
  | 'BAD_CONTENT_TYPE'
  | 'CONNECT_TIMEOUT'
  | 'CONNECT_FAILED'
  | 'STREAM_STALLED'
  | 'STREAM_ENDED'
  | 'STREAM_BROKEN'
  | 'WEBSOCKET_PROTOCOL';

/**
 * Errors of a stream connection, all retriable (the session reconnects with backoff). The
 * producer's state fails with libs/producer's `ProducerError` (`STATE_CORRUPT`, not retriable).
 */
export class StreamIngestError extends FluxoError<StreamIngestErrorCode> {
  constructor(code: StreamIngestErrorCode, message: string, options: FluxoErrorOptions = {}) {
    super(code, message, { retriable: true, ...options });
  }
}
