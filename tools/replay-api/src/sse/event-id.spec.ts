import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatEventId, parseLastEventId, parseSince } from './event-id';

const TOPIC = 'eqiad.mediawiki.recentchange';

describe('event ids', () => {
  it('formats the offset form and reads it back', () => {
    const id = formatEventId(TOPIC, 0, 4820784717);
    expect(id).toBe('[{"topic":"eqiad.mediawiki.recentchange","partition":0,"offset":4820784717}]');
    expect(parseLastEventId(id, TOPIC)).toEqual({ kind: 'offset', offset: 4820784717 });
  });

  it('reads the timestamp form recorded from the live stream', () => {
    const capture = readFileSync(join(__dirname, '..', '..', 'fixtures', 'wikimedia', 'recentchange_sse_20221211.txt'), 'utf8');
    const id = capture
      .split('\n')
      .find((line) => line.startsWith('id: '))
      ?.slice(4);
    expect(parseLastEventId(id, TOPIC)).toEqual({ kind: 'timestamp', timestampMs: 1670732822001 });
  });

  it('falls back to another topic, and ignores what it cannot use', () => {
    expect(parseLastEventId('[{"topic":"codfw.mediawiki.recentchange","partition":0,"offset":12}]', TOPIC)).toEqual({ kind: 'offset', offset: 12 });
    for (const bad of [undefined, '', 'nope', '{"offset":1}', '[{"topic":"x","offset":-1}]']) {
      expect(parseLastEventId(bad, TOPIC)).toBeUndefined();
    }
  });

  it('reads ?since= as epoch ms or ISO', () => {
    expect(parseSince('1690617099000')).toBe(1690617099000);
    expect(parseSince('2023-07-29T07:51:39Z')).toBe(1690617099000);
    expect(parseSince('later')).toBeUndefined();
    expect(parseSince(null)).toBeUndefined();
  });
});
