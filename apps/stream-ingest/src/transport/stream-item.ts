/**
 * What a transport hands the session, whatever the protocol: a message (its text and the stream
 * position after it), an oversized message (dropped, with a preview for the dead letter) or a
 * server-requested reconnection delay.
 */
export type StreamItem =
  | {
      readonly kind: 'message';
      /** SSE `event:` type (`message` by default; always `message` for WebSocket). */
      readonly type: string;
      readonly data: string;
      /** The SSE last-event-id after this message (persists across messages, per the spec); undefined without ids. */
      readonly id: string | undefined;
    }
  | { readonly kind: 'oversized'; readonly bytes: number; readonly preview: string; readonly id: string | undefined }
  | { readonly kind: 'retry'; readonly ms: number };
