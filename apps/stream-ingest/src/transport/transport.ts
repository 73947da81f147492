import type { StreamItem } from './stream-item';

export interface ConnectRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** SSE `Last-Event-ID` to resume from; ignored by transports that cannot resume. */
  readonly lastEventId: string | undefined;
  /** WebSocket: text messages sent once the connection is open (a subscription request). */
  readonly subscribe?: readonly string[] | undefined;
}

/**
 * One open stream. `chunks()` yields, per chunk of bytes received, the items it completed (often
 * none: a heartbeat or part of a line still counts as activity). Iteration pulls bytes from the
 * socket, so a consumer that stops iterating stops reading: TCP carries the backpressure upstream.
 * It ends when the server closes the stream and throws on a network error or after `close(reason)`.
 */
export interface StreamConnection {
  chunks(): AsyncIterable<readonly StreamItem[]>;
  close(reason: Error): void;
}

/** Opens connections of one protocol (SSE over HTTP, WebSocket). Rejects with a StreamIngestError. */
export interface StreamTransport {
  connect(request: ConnectRequest): Promise<StreamConnection>;
}
