import { redactUrl } from '@fluxo/schema';
import { IngestError } from '../errors';

/**
 * Which redirects a poll follows. A redirect within the URL's own origin (scheme, host and port)
 * is always followed; one to another origin only when that origin is listed in `allowedOrigins`
 * (`FLUXO_HTTP_REDIRECT_ORIGINS`), and then without any header the definition set (API keys and
 * tokens stay with the origin they were written for) nor the conditional validators.
 */
export interface RedirectPolicy {
  /** Origins (`https://host[:port]`) a poll may be redirected to besides its own. */
  readonly allowedOrigins: readonly string[];
  readonly maxRedirects: number;
}

const SAME_ORIGIN_ONLY: RedirectPolicy = { allowedOrigins: [], maxRedirects: 5 };

/** What a `beforeRedirect` hook sees of got's options: the next URL and the headers it will send. */
export interface RedirectRequest {
  readonly url: URL | string | undefined;
  readonly headers: Record<string, unknown>;
}

/** Headers got sets itself, kept across origins; every other header came from the definition or the poller. */
const TRANSPORT_HEADERS: ReadonlySet<string> = new Set(['user-agent', 'accept-encoding']);

/**
 * A `beforeRedirect` check for one request: refuses redirects outside the policy (remembering the
 * typed error, since got wraps what a hook throws) and strips custom headers when leaving the
 * original origin.
 */
export function redirectGuard(
  url: string,
  headers: Readonly<Record<string, string>>,
  policy: RedirectPolicy = SAME_ORIGIN_ONLY,
): { check(options: RedirectRequest): void; readonly refused: IngestError | undefined } {
  const origin = new URL(url).origin;
  const allowed = new Set(policy.allowedOrigins.map((o) => new URL(o).origin));
  const custom = Object.keys(headers).map((name) => name.toLowerCase());
  let refused: IngestError | undefined;
  return {
    get refused() {
      return refused;
    },
    check(options: RedirectRequest): void {
      const target = options.url instanceof URL ? options.url : new URL(String(options.url), url);
      if (target.origin === origin) return;
      if (!allowed.has(target.origin)) {
        refused = new IngestError('REDIRECT_REFUSED', `GET ${redactUrl(url)} redirected to ${redactUrl(target.href)}, an origin outside FLUXO_HTTP_REDIRECT_ORIGINS`, {
          context: { url: redactUrl(url), location: redactUrl(target.href) },
        });
        throw refused;
      }
      for (const name of Object.keys(options.headers)) {
        const lower = name.toLowerCase();
        if (!TRANSPORT_HEADERS.has(lower) || custom.includes(lower)) delete options.headers[name];
      }
      target.username = '';
      target.password = '';
    },
  };
}
