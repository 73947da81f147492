import { BUILTIN_DEFINITIONS } from './builtin-definitions';
import { DefinitionCatalog } from './definition-catalog';
import { createEventExtractor } from './extract-event';

const catalog = DefinitionCatalog.build(BUILTIN_DEFINITIONS);
const extract = createEventExtractor(catalog.streamSource('wikimedia-recentchange'));
const event = { meta: { id: 'ab-1', dt: '2023-07-29T07:51:39Z', offset: 4 }, wiki: 'enwiki', type: 'edit', title: 'X' };

describe('createEventExtractor', () => {
  it('keeps the text verbatim and reads key, event time and a content-hash version', () => {
    const text = JSON.stringify(event);
    const result = extract(text);
    expect(result).toEqual({
      ok: true,
      record: { key: 'ab-1', version: expect.stringMatching(/^[0-9a-f]{32}$/), eventTime: new Date('2023-07-29T07:51:39Z'), record: text, context: null },
    });
    const again = extract(text);
    expect(again.ok && result.ok && again.record.version === result.record.version).toBe(true);
  });

  it.each([
    ['{"meta":{"id":"x"', 'MALFORMED_JSON'],
    ['[1,2]', 'NOT_AN_OBJECT'],
    [JSON.stringify({ ...event, meta: { dt: event.meta.dt } }), 'MISSING_FIELD'],
    [JSON.stringify({ ...event, wiki: null }), 'MISSING_FIELD'],
  ])('rejects %s with %s', (text, reason) => {
    expect(extract(text)).toMatchObject({ ok: false, reason });
  });

  it('reads a declared version path', () => {
    const versioned = createEventExtractor({ key: ['id'], version: 'rev' });
    expect(versioned('{"id":7,"rev":3}')).toMatchObject({ ok: true, record: { key: '7', version: '3', eventTime: null } });
  });
});
