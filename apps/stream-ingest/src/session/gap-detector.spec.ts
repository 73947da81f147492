import { detectGap, type ResumeContext } from './gap-detector';
import { offsetsBetween, parseEventStreamsId, rewindEventStreamsId } from './stream-position';

const id = (offset: number) => `[{"topic":"eqiad.mediawiki.recentchange","partition":0,"offset":${offset}}]`;
const live = '[{"topic":"eqiad.mediawiki.recentchange","partition":0,"timestamp":1670732822001},{"topic":"codfw.mediawiki.recentchange","partition":0,"offset":-1}]';

describe('EventStreams positions', () => {
  it('reads the offset and the live timestamp forms', () => {
    expect(parseEventStreamsId(id(5))).toEqual([{ topic: 'eqiad.mediawiki.recentchange', partition: 0, offset: 5 }]);
    expect(parseEventStreamsId(live)).toHaveLength(2);
    expect(parseEventStreamsId('nope')).toBeUndefined();
  });

  it('rewinds offsets by one so the server re-sends the last event; keeps timestamps and -1', () => {
    expect(rewindEventStreamsId(id(4820784717))).toBe(id(4820784716));
    expect(rewindEventStreamsId(live)).toBe(JSON.stringify(parseEventStreamsId(live)));
    expect(rewindEventStreamsId('opaque-17')).toBe('opaque-17');
  });

  it('counts the offsets between two positions of one partition', () => {
    expect(offsetsBetween(id(10), id(11))).toBe(0);
    expect(offsetsBetween(id(10), id(40))).toBe(29);
    expect(offsetsBetween(id(10), id(9))).toBe(-2);
    expect(offsetsBetween(live, id(9))).toBeUndefined();
  });
});

describe('detectGap', () => {
  const context: ResumeContext = { mode: 'eventstreams', position: id(100), lastEventTime: new Date(1000), sentId: id(99), hadEvents: true };
  const known = new Set(['seen']);
  const isKnown = (key: string) => known.has(key);

  it('sees no gap on a first start or when the first event is one already received', () => {
    expect(detectGap({ ...context, hadEvents: false, position: undefined, sentId: undefined }, { key: 'new', position: id(500), eventTime: null }, isKnown)).toBeUndefined();
    expect(detectGap(context, { key: 'seen', position: id(100), eventTime: new Date(1000) }, isKnown)).toBeUndefined();
  });

  it('records a refused resume with the offsets skipped', () => {
    expect(detectGap(context, { key: 'new', position: id(180), eventTime: new Date(9000) }, isKnown)).toEqual({ reason: 'resume-refused', positionsSkipped: 79 });
  });

  it('sees no gap when the server went back (duplicates only)', () => {
    expect(detectGap(context, { key: 'new', position: id(50), eventTime: new Date(1) }, isKnown)).toBeUndefined();
    expect(detectGap({ ...context, mode: 'none', position: undefined, sentId: undefined }, { key: 'new', position: undefined, eventTime: new Date(999) }, isKnown)).toBeUndefined();
  });

  it('records a gap on every reconnect of a stream without ids, unless it overlaps', () => {
    const none: ResumeContext = { mode: 'none', position: undefined, lastEventTime: new Date(1000), sentId: undefined, hadEvents: true };
    expect(detectGap(none, { key: 'new', position: undefined, eventTime: new Date(2000) }, isKnown)).toEqual({ reason: 'no-resume-id', positionsSkipped: null });
    expect(detectGap(none, { key: 'seen', position: undefined, eventTime: new Date(2000) }, isKnown)).toBeUndefined();
  });

  it('trusts an opaque Last-Event-ID', () => {
    expect(detectGap({ ...context, mode: 'last-event-id', sentId: 'opaque' }, { key: 'new', position: 'x', eventTime: new Date(5000) }, isKnown)).toBeUndefined();
  });
});
