/** One recorded HTTP response body, with the validators the server derives from it. */
import { createHash } from 'node:crypto';

export interface RecordedResponse {
  /** Exact bytes served. */
  readonly body: Buffer;
  /** Strong ETag: the quoted sha256 of the body. */
  readonly etag: string;
  /** When the recorded response was produced (epoch ms). */
  readonly producedMs: number;
  /** Where it came from, for logs and state (fixture file or line). */
  readonly label: string;
}

export function recordedResponse(body: Buffer, producedMs: number, label: string): RecordedResponse {
  const etag = `"${createHash('sha256').update(body).digest('hex')}"`;
  return { body, etag, producedMs, label };
}
