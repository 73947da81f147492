import got, { HTTPError, RequestError, TimeoutError, type Got } from 'got';
import type { Logger } from '@fluxo/schema';
import { IngestError } from '../errors';
import { retryDelayMs, type RetryPolicy } from './retry-delay';

/** Validators from the previous response, for a conditional request. */
export interface Validators {
  readonly etag?: string;
  readonly lastModified?: string;
}

export type FetchResult =
  | { readonly status: 'not-modified'; readonly fetchedAt: Date }
  | { readonly status: 'ok'; readonly body: Buffer; readonly validators: Validators; readonly fetchedAt: Date; readonly attempts: number };

export interface HttpFetcherOptions {
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly maxResponseBytes: number;
  readonly userAgent: string;
  readonly logger: Logger;
}

/**
 * GETs one URL for a poll with got: per-request timeout, retries on 408/429/5xx and network errors
 * with exponential backoff and full jitter (Retry-After honoured), conditional requests
 * (If-None-Match / If-Modified-Since → 304), and a response size limit.
 */
export class HttpFetcher {
  private readonly client: Got;

  constructor(private readonly options: HttpFetcherOptions) {
    const { retry, logger } = options;
    this.client = got.extend({
      timeout: { request: options.timeoutMs },
      throwHttpErrors: true,
      followRedirect: true,
      decompress: true,
      responseType: 'buffer',
      headers: { 'user-agent': options.userAgent },
      retry: {
        limit: retry.limit,
        methods: ['GET'],
        statusCodes: [408, 425, 429, 500, 502, 503, 504, 521, 522, 524],
        maxRetryAfter: Number.MAX_SAFE_INTEGER,
        calculateDelay: ({ attemptCount, computedValue, retryAfter }) =>
          computedValue === 0 ? 0 : Math.max(1, retryDelayMs(retry, attemptCount, retryAfter)),
      },
      hooks: {
        beforeRetry: [
          (error, retryCount) => {
            logger.warn(
              { url: error.options.url?.toString(), retry: retryCount, code: error.code, status: error.response?.statusCode },
              'retrying HTTP request',
            );
          },
        ],
      },
    });
  }

  async fetch(url: string, headers: Readonly<Record<string, string>>, validators: Validators): Promise<FetchResult> {
    const conditional: Record<string, string> = {};
    if (validators.etag !== undefined) conditional['if-none-match'] = validators.etag;
    if (validators.lastModified !== undefined) conditional['if-modified-since'] = validators.lastModified;
    try {
      const response = await this.client.get(url, { headers: { ...headers, ...conditional }, responseType: 'buffer' });
      const fetchedAt = new Date();
      if (response.statusCode === 304) return { status: 'not-modified', fetchedAt };
      if (response.body.length > this.options.maxResponseBytes) {
        throw new IngestError('RESPONSE_TOO_LARGE', `Response of ${response.body.length} bytes exceeds ${this.options.maxResponseBytes}`, {
          context: { url, bytes: response.body.length },
        });
      }
      const etag = response.headers.etag;
      const lastModified = response.headers['last-modified'];
      return {
        status: 'ok',
        body: response.body,
        validators: { ...(etag === undefined ? {} : { etag }), ...(lastModified === undefined ? {} : { lastModified }) },
        fetchedAt,
        attempts: response.retryCount + 1,
      };
    } catch (error) {
      throw toIngestError(error, url);
    }
  }
}

function toIngestError(error: unknown, url: string): unknown {
  if (error instanceof IngestError) return error;
  if (error instanceof HTTPError) {
    const status = error.response.statusCode;
    return new IngestError('HTTP_STATUS', `GET ${url} answered ${status} after ${error.response.retryCount + 1} attempt(s)`, {
      cause: error,
      retriable: status === 429 || status >= 500,
      context: { url, status },
    });
  }
  if (error instanceof TimeoutError) {
    return new IngestError('HTTP_TIMEOUT', `GET ${url} timed out`, { cause: error, retriable: true, context: { url } });
  }
  if (error instanceof RequestError) {
    return new IngestError('HTTP_NETWORK', `GET ${url} failed: ${error.code} ${error.message}`, {
      cause: error,
      retriable: true,
      context: { url, code: error.code },
    });
  }
  return error;
}
