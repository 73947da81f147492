import { SchemaError } from '../errors';
import { loadIngestConfig } from './ingest-config';

describe('issue 9: ingest network and size settings', () => {
  it('defaults to same-origin redirects only and a 1 MiB record cap', () => {
    const config = loadIngestConfig({});
    expect(config.httpRedirectOrigins).toBeUndefined();
    expect(config.maxRecordBytes).toBe(1_048_576);
  });

  it('accepts an allow-list of origins', () => {
    expect(loadIngestConfig({ FLUXO_HTTP_REDIRECT_ORIGINS: 'https://cdn.example.org, http://127.0.0.1:8080' }).httpRedirectOrigins).toEqual([
      'https://cdn.example.org',
      'http://127.0.0.1:8080',
    ]);
  });

  it('rejects origins with a path and a record cap out of range, in one error naming both variables', () => {
    let error: unknown;
    try {
      loadIngestConfig({ FLUXO_HTTP_REDIRECT_ORIGINS: 'https://cdn.example.org/path', FLUXO_MAX_RECORD_BYTES: '10' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SchemaError);
    expect((error as SchemaError).problems).toEqual([
      expect.stringMatching(/^FLUXO_HTTP_REDIRECT_ORIGINS: each origin must look like https:\/\/host\[:port\]/),
      expect.stringMatching(/^FLUXO_MAX_RECORD_BYTES: /),
    ]);
  });
});
