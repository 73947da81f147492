import { redactUrl } from './redact-url';

describe('issue 9: redactUrl keeps secrets of poll URLs out of logs and dead letters', () => {
  it('replaces every query value, keeping the names', () => {
    expect(redactUrl('https://api.example.org/v1/feed?feed=all_day&api_key=s3cr3t&token=abc')).toBe('https://api.example.org/v1/feed?feed=***&api_key=***&token=***');
  });

  it('replaces user-info', () => {
    const redacted = redactUrl('https://alice:hunter2@api.example.org/feed');
    expect(redacted).toBe('https://***@api.example.org/feed');
    expect(redacted).not.toContain('alice');
    expect(redacted).not.toContain('hunter2');
  });

  it('keeps a URL without secrets as it is', () => {
    expect(redactUrl('http://127.0.0.1:8787/earthquakes/feed/v1.0/summary/all_day.geojson')).toBe('http://127.0.0.1:8787/earthquakes/feed/v1.0/summary/all_day.geojson');
  });

  it('redacts repeated names, encoded values and fragments', () => {
    const redacted = redactUrl('wss://stream.example.org/x?key=a%20b&key=c#frag-secret');
    expect(redacted).toBe('wss://stream.example.org/x?key=***&key=***#***');
  });

  it('never echoes text that is not a URL', () => {
    expect(redactUrl('not a url ?key=secret')).toBe('[unparseable url]');
  });
});
