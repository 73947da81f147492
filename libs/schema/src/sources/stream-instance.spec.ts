import { BUILTIN_DEFINITIONS } from './builtin-definitions';
import { DefinitionCatalog } from './definition-catalog';
import { resolveStreamInstance } from './stream-instance';

describe('resolveStreamInstance', () => {
  const catalog = DefinitionCatalog.build(BUILTIN_DEFINITIONS);

  it('uses the definition URL, or rebases it onto the replay server', () => {
    expect(resolveStreamInstance(catalog, 'wikimedia-recentchange').url).toBe('https://stream.wikimedia.org/v2/stream/recentchange');
    expect(resolveStreamInstance(catalog, 'wikimedia-recentchange', 'http://127.0.0.1:8787').url).toBe('http://127.0.0.1:8787/v2/stream/recentchange');
  });

  it('keeps ws(s) for a websocket stream when rebasing', () => {
    const ws = {
      ...(BUILTIN_DEFINITIONS.sources.find((s) => s.origin.includes('wikimedia'))?.definition as object),
      name: 'ws-feed',
      stream: { url: 'wss://feed.test/{channel}', protocol: 'websocket', resume: 'none', params: { channel: 'all' } },
    };
    const withWs = DefinitionCatalog.build({ sources: [...BUILTIN_DEFINITIONS.sources, { origin: 'ws.json', definition: ws }], datasets: BUILTIN_DEFINITIONS.datasets });
    expect(resolveStreamInstance(withWs, 'ws-feed?channel=eu').url).toBe('wss://feed.test/eu');
    expect(resolveStreamInstance(withWs, 'ws-feed', 'http://127.0.0.1:9').url).toBe('ws://127.0.0.1:9/all');
  });

  it('refuses unknown parameters and other kinds of source', () => {
    expect(() => resolveStreamInstance(catalog, 'wikimedia-recentchange?x=1')).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
    expect(() => resolveStreamInstance(catalog, 'usgs-earthquakes')).toThrow(expect.objectContaining({ code: 'WRONG_SOURCE_KIND' }));
  });
});
