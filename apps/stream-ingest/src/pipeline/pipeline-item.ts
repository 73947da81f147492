import type { ExtractedRecord, StreamGapRecord } from '@fluxo/schema';

/** What the session hands the batcher through the bounded buffer, in stream order. */
export type PipelineItem =
  | { readonly kind: 'event'; readonly record: ExtractedRecord; readonly position: string | undefined; readonly bytes: number }
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
    }
  | { readonly kind: 'gap'; readonly gap: StreamGapRecord };
