/**
 * A URL fit for logs, dead letters and curated data: user-info and every query value replaced by
 * `***` (poll and stream URLs may carry API keys in either). Names, host and path stay readable.
 * Text that is not an absolute URL is returned as `[unparseable url]` rather than risk a secret.
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '[unparseable url]';
  }
  const userInfo = parsed.username !== '' || parsed.password !== '' ? '***@' : '';
  const query = [...parsed.searchParams.keys()].map((name) => `${encodeURIComponent(name)}=***`).join('&');
  return `${parsed.protocol}//${userInfo}${parsed.host}${parsed.pathname}${query === '' ? '' : `?${query}`}${parsed.hash === '' ? '' : '#***'}`;
}
