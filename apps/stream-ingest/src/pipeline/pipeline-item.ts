import type { ExtractedRecord, StreamGapRecord } from '@fluxo/schema';

/** What the session hands the batcher through the bounded buffer, in stream order. */
export type PipelineItem =
  | {
      readonly kind: 'event';
      readonly record: ExtractedRecord;
      readonly position: string | undefined;
      readonly bytes: number;
      /** When stream-ingest read it off the connection (ms since the epoch): a batch's age counts from its first item's receipt. */
      readonly receivedAtMs: number;
    }
  | {
      readonly kind: 'malformed';
      /** Dead-letter reason code: MALFORMED_JSON, NOT_AN_OBJECT, MISSING_FIELD or OVERSIZED_LINE. */
      readonly reason: string;
      readonly message: string;
      /** The message text (cut to a preview when `truncated`). */
      readonly raw: string;
      readonly bytes: number;
      readonly truncated: boolean;
      readonly position: string | undefined;
      readonly receivedAtMs: number;
    }
  | { readonly kind: 'gap'; readonly gap: StreamGapRecord };
