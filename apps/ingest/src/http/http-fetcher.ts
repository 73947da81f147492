import { setTimeout as sleep } from 'node:timers/promises';
import got, { HTTPError, RequestError, TimeoutError, type Got } from 'got';
import { redactUrl, type Logger } from '@fluxo/schema';
import { IngestError } from '../errors';
import { parseRetryAfter, retryDelayMs, type RetryPolicy } from './retry-delay';
import { redirectGuard, type RedirectPolicy } from './redirect-policy';

/** Validators from the previous response, for a conditional request. */
export interface Validators {
  readonly etag?: string;
  readonly lastModified?: string;
}

export type FetchResult =
  | { readonly status: 'not-modified'; readonly fetchedAt: Date }
  | { readonly status: 'ok'; readonly body: Buffer; readonly validators: Validators; readonly fetchedAt: Date; readonly attempts: number };

/** What a body consumer learns before the first byte: the response headers and when they came. */
export interface ResponseInfo {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly fetchedAt: Date;
  readonly attempt: number;
}

/**
 * Reads one attempt's body as it arrives (decompressed, counted, capped). An attempt that fails
 * half-way (reset, timeout) is retried with a new call: the consumer must drop what it took.
 */
export type BodyConsumer<T> = (chunks: AsyncIterable<Buffer>, response: ResponseInfo) => Promise<T>;

export type StreamedResult<T> =
  | { readonly status: 'not-modified'; readonly fetchedAt: Date }
  | {
      readonly status: 'ok';
      readonly value: T;
      readonly validators: Validators;
      readonly headers: Readonly<Record<string, string | string[] | undefined>>;
      readonly fetchedAt: Date;
      readonly attempts: number;
    };

export interface HttpFetcherOptions {
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  /** Largest response body accepted, counted after decompression as the bytes arrive. */
  readonly maxResponseBytes: number;
  readonly userAgent: string;
  /** Which redirects are followed (default: same origin only, at most 5). */
  readonly redirects?: RedirectPolicy;
  readonly logger: Logger;
  /** Told how each attempt ended and what is retried (metrics). Optional. */
  readonly observer?: HttpObserver;
}

/** What the fetcher reports per attempt: an HTTP status (`"200"`, `"304"`, `"503"`) or an error code (`HTTP_TIMEOUT`, `HTTP_NETWORK`, …). */
export interface HttpObserver {
  attempted(outcome: string, durationMs: number): void;
  retrying(reason: string): void;
}

/** Statuses worth another attempt (what got retries by default, plus 425). */
const RETRY_STATUSES: ReadonlySet<number> = new Set([408, 425, 429, 500, 502, 503, 504, 521, 522, 524]);
/** Network errors worth another attempt. */
const RETRY_NETWORK_CODES: ReadonlySet<string> = new Set(['ETIMEDOUT', 'ECONNRESET', 'EADDRINUSE', 'ECONNREFUSED', 'EPIPE', 'ENOTFOUND', 'ENETUNREACH', 'EAI_AGAIN']);

/**
 * GETs one URL for a poll with got: per-request timeout, retries on 408/429/5xx and network errors
 * with exponential backoff and full jitter (Retry-After honoured), conditional requests
 * (If-None-Match / If-Modified-Since → 304), redirects only within the configured policy (custom
 * headers never leave the original origin), and a response size limit enforced while streaming:
 * decompressed bytes are counted as they arrive and the transfer is aborted as soon as the limit
 * is passed, so a small gzip body that inflates to gigabytes costs at most the limit in memory.
 */
export class HttpFetcher {
  private readonly client: Got;

  constructor(private readonly options: HttpFetcherOptions) {
    this.client = got.extend({
      timeout: { request: options.timeoutMs },
      throwHttpErrors: true,
      decompress: true,
      headers: { 'user-agent': options.userAgent },
      retry: { limit: 0 }, // retried here, per attempt, so every attempt is streamed and capped
    });
  }

  /** GETs `url` and collects the whole body (small responses, tests). */
  async fetch(url: string, headers: Readonly<Record<string, string>>, validators: Validators): Promise<FetchResult> {
    const result = await this.fetchWith(url, headers, validators, collectBody);
    return result.status === 'ok' ? { status: 'ok', body: result.value, validators: result.validators, fetchedAt: result.fetchedAt, attempts: result.attempts } : result;
  }

  /**
   * GETs `url` and hands the body to `consume` as it arrives, so a large response is never held
   * whole. Retries as `fetch` does; an attempt interrupted mid-body calls `consume` again.
   * Errors `consume` throws itself (not the transfer's) end the fetch as they are.
   */
  async fetchWith<T>(url: string, headers: Readonly<Record<string, string>>, validators: Validators, consume: BodyConsumer<T>): Promise<StreamedResult<T>> {
    const conditional: Record<string, string> = {};
    if (validators.etag !== undefined) conditional['if-none-match'] = validators.etag;
    if (validators.lastModified !== undefined) conditional['if-modified-since'] = validators.lastModified;
    const { retry, logger, observer } = this.options;
    for (let attempt = 1; ; attempt += 1) {
      const started = Date.now();
      try {
        const result = await this.attempt(url, { ...headers, ...conditional }, attempt, consume);
        observer?.attempted(result.status === 'ok' ? String(result.statusCode) : '304', Date.now() - started);
        if (result.status !== 'ok') return result;
        const { statusCode: _status, ...ok } = result;
        return { ...ok, attempts: attempt };
      } catch (caught) {
        const error = toIngestError(caught, url, attempt);
        const outcome = outcomeOf(error);
        observer?.attempted(outcome, Date.now() - started);
        const retryAfterMs = error instanceof IngestError && typeof error.context['retryAfterMs'] === 'number' ? error.context['retryAfterMs'] : undefined;
        if (!(error instanceof IngestError) || !isRetriable(error) || attempt > retry.limit) throw error;
        const delayMs = retryDelayMs(retry, attempt, retryAfterMs);
        observer?.retrying(outcome);
        logger.warn({ url: redactUrl(url), retry: attempt, code: error.code, status: error.context['status'], delayMs }, 'retrying HTTP request');
        await sleep(delayMs);
      }
    }
  }

  /** One request, its body streamed, counted and handed to `consume`; rejects with got's errors or an IngestError. */
  private async attempt<T>(
    url: string,
    headers: Record<string, string>,
    attempt: number,
    consume: BodyConsumer<T>,
  ): Promise<(Omit<Extract<StreamedResult<T>, { status: 'ok' }>, 'attempts'> & { readonly statusCode: number }) | Extract<StreamedResult<T>, { status: 'not-modified' }>> {
    const max = this.options.maxResponseBytes;
    const guard = redirectGuard(url, headers, this.options.redirects);
    const stream = this.client.stream(url, {
      headers,
      followRedirect: true,
      maxRedirects: this.options.redirects?.maxRedirects ?? 5,
      hooks: { beforeRedirect: [(options) => guard.check(options)] },
    });
    try {
      const response = await new Promise<NonNullable<typeof stream.response>>((resolve, reject) => {
        stream.once('response', resolve);
        stream.once('error', reject);
      });
      const fetchedAt = new Date();
      if (response.statusCode === 304) return { status: 'not-modified', fetchedAt };
      if (response.statusCode < 200 || response.statusCode > 299) {
        // got reports an error status on the stream: let it surface, never hand an error page to the consumer
        for await (const _ of stream as AsyncIterable<Buffer>) void _;
        throw new IngestError('HTTP_STATUS', `GET ${redactUrl(url)} answered ${response.statusCode}`, { context: { url: redactUrl(url), status: response.statusCode } });
      }
      const counted = async function* (): AsyncGenerator<Buffer> {
        let bytes = 0;
        for await (const chunk of stream as AsyncIterable<Buffer>) {
          bytes += chunk.length;
          if (bytes > max) {
            throw new IngestError('RESPONSE_TOO_LARGE', `Response from ${redactUrl(url)} exceeds ${max} bytes (decompressed); transfer aborted`, {
              context: { url: redactUrl(url), maxBytes: max, bytesRead: bytes, attempt },
            });
          }
          yield chunk;
        }
      };
      const value = await consume(counted(), { headers: response.headers, fetchedAt, attempt });
      const etag = response.headers.etag;
      const lastModified = response.headers['last-modified'];
      return {
        status: 'ok',
        value,
        statusCode: response.statusCode,
        headers: response.headers,
        validators: { ...(etag === undefined ? {} : { etag }), ...(lastModified === undefined ? {} : { lastModified }) },
        fetchedAt,
      };
    } catch (error) {
      throw guard.refused ?? error;
    } finally {
      stream.destroy();
    }
  }
}

/** The body as one Buffer (what `fetch` returns). */
async function collectBody(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}

/** The status of a failed attempt, or its error code when there was no response. */
function outcomeOf(error: unknown): string {
  if (!(error instanceof IngestError)) return 'UNEXPECTED';
  return error.code === 'HTTP_STATUS' ? String(error.context['status']) : error.code;
}

function isRetriable(error: IngestError): boolean {
  switch (error.code) {
    case 'HTTP_STATUS':
      return RETRY_STATUSES.has(Number(error.context['status']));
    case 'HTTP_TIMEOUT':
      return true;
    case 'HTTP_NETWORK':
      return RETRY_NETWORK_CODES.has(String(error.context['code']));
    case 'RESPONSE_TOO_LARGE':
    case 'REDIRECT_REFUSED':
    case 'RECORD_TOO_LARGE':
    case 'MALFORMED_BODY':
    case 'RESPONSE_SHAPE':
      return false;
  }
}

function toIngestError(error: unknown, url: string, attempts: number): unknown {
  if (error instanceof IngestError) return error;
  const shown = redactUrl(url);
  if (error instanceof HTTPError) {
    const status = error.response.statusCode;
    const retryAfterMs = parseRetryAfter(headerValue(error.response.headers['retry-after']));
    return new IngestError('HTTP_STATUS', `GET ${shown} answered ${status} after ${attempts} attempt(s)`, {
      cause: error,
      retriable: status === 429 || status >= 500,
      context: { url: shown, status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
    });
  }
  if (error instanceof TimeoutError) {
    return new IngestError('HTTP_TIMEOUT', `GET ${shown} timed out`, { cause: error, retriable: true, context: { url: shown } });
  }
  if (error instanceof RequestError) {
    if (error.cause instanceof IngestError) return error.cause;
    return new IngestError('HTTP_NETWORK', `GET ${shown} failed: ${error.code} ${redactUrlsIn(error.message)}`, {
      cause: error,
      retriable: true,
      context: { url: shown, code: error.code },
    });
  }
  return error;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Error messages of the HTTP stack may quote the URL; redact any URL they contain. */
function redactUrlsIn(message: string): string {
  return message.replace(/\bhttps?:\/\/[^\s'"]+/g, (found) => redactUrl(found));
}
