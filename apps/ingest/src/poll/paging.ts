import type { IncrementalDefinition, PagingDefinition } from '@fluxo/schema';

/** Pages one poll fetches at most when the definition does not say. */
const DEFAULT_MAX_PAGES = 10;

/** What the poller knows after reading one page. */
export interface PageRead {
  readonly url: string;
  /** 1 for the first page. */
  readonly number: number;
  /** Records the page held. */
  readonly records: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Values of the envelope paths asked for (the cursor). */
  readonly envelope: ReadonlyMap<string, unknown>;
}

export type NextPage = { readonly url: string } | { readonly stop: string };

/**
 * The URL of a poll's first page: the instance's URL with the paging size and the incremental
 * parameter (from the newest event time the source announced, minus `lookbackMs`).
 */
export function firstPageUrl(url: string, paging: PagingDefinition | undefined, incremental: IncrementalDefinition | undefined, watermarkMs: number | undefined): string {
  const target = new URL(url);
  if (paging?.size !== undefined && paging.sizeParam !== undefined) target.searchParams.set(paging.sizeParam, String(paging.size));
  if (paging?.type === 'page' && paging.param !== undefined) target.searchParams.set(paging.param, String(paging.start ?? 1));
  if (paging?.type === 'offset' && paging.param !== undefined) target.searchParams.set(paging.param, '0');
  if (incremental !== undefined) {
    const value = watermarkMs === undefined ? incremental.initial : formatTime(watermarkMs - (incremental.lookbackMs ?? 0), incremental.format);
    if (value !== undefined) target.searchParams.set(incremental.param, value);
  }
  return target.toString();
}

/**
 * Where the next page is, or why the poll stops: no next link or cursor, an empty or short page,
 * the page limit, a page already fetched, or a next link to another origin (never followed: the
 * definition's headers may carry an API key).
 */
export function nextPage(paging: PagingDefinition | undefined, page: PageRead, fetched: ReadonlySet<string>): NextPage {
  if (paging === undefined) return { stop: 'no paging' };
  const maxPages = paging.maxPages ?? DEFAULT_MAX_PAGES;
  if (page.number >= maxPages) return { stop: `page limit (${maxPages}) reached` };
  if (page.records === 0) return { stop: 'empty page' };
  let next: URL;
  switch (paging.type) {
    case 'link': {
      const link = linkNext(page.headers['link'], page.url);
      if (link === undefined) return { stop: 'no rel="next" link' };
      next = new URL(link);
      if (next.origin !== new URL(page.url).origin) return { stop: `next link leads to another origin (${next.origin}): not followed` };
      break;
    }
    case 'cursor': {
      const cursor = page.envelope.get(paging.cursorPath ?? '');
      if (cursor === undefined || cursor === null || cursor === '' || typeof cursor === 'object') return { stop: 'no next cursor' };
      next = new URL(page.url);
      next.searchParams.set(paging.param ?? 'cursor', String(cursor));
      break;
    }
    case 'page':
    case 'offset': {
      if (paging.size !== undefined && page.records < paging.size) return { stop: 'last (short) page' };
      next = new URL(page.url);
      const value = paging.type === 'page' ? (paging.start ?? 1) + page.number : page.number * (paging.size ?? page.records);
      next.searchParams.set(paging.param ?? paging.type, String(value));
      break;
    }
  }
  const url = next.toString();
  return fetched.has(url) ? { stop: 'next page was already fetched in this poll' } : { url };
}

/** The `rel="next"` target of a Link header (RFC 8288), resolved against the page's URL. */
function linkNext(header: string | string[] | undefined, base: string): string | undefined {
  const value = Array.isArray(header) ? header.join(', ') : header;
  if (value === undefined) return undefined;
  for (const match of value.matchAll(/<([^>]*)>\s*((?:;\s*[^;,]*)*)/g)) {
    const params = match[2] ?? '';
    if (/;\s*rel\s*=\s*"?([^";]*\s)?next(\s[^";]*)?"?/i.test(params)) {
      try {
        return new URL(match[1] ?? '', base).toString();
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

function formatTime(ms: number, format: IncrementalDefinition['format']): string {
  switch (format) {
    case 'iso8601':
      return new Date(ms).toISOString();
    case 'epoch_ms':
      return String(Math.floor(ms));
    case 'epoch_s':
      return String(Math.floor(ms / 1000));
  }
}
