import { MicroBatcher } from './micro-batcher';

const limits = { maxRows: 3, maxBytes: 1000, maxAgeMs: 10_000, idleFlushMs: 2_000 };

describe('MicroBatcher', () => {
  it('cuts on rows, then starts afresh', () => {
    const batcher = new MicroBatcher(limits);
    expect([batcher.add(0, 1, 10), batcher.add(1, 1, 10), batcher.add(2, 1, 10)]).toEqual([undefined, undefined, 'rows']);
    batcher.reset();
    expect(batcher.isEmpty).toBe(true);
    expect(batcher.add(3, 1, 10)).toBeUndefined();
  });

  it('cuts on bytes; dead letters and gaps count as items but not rows', () => {
    const batcher = new MicroBatcher(limits);
    expect(batcher.add(0, 0, 600)).toBeUndefined();
    expect(batcher.size).toEqual({ rows: 0, bytes: 600, items: 1 });
    expect(batcher.add(0, 1, 400)).toBe('bytes');
  });

  it('cuts when idle, and on age even when the stream never pauses', () => {
    const idle = new MicroBatcher(limits);
    idle.add(1000, 1, 1);
    expect(idle.nextDeadline()).toBe(3000);
    expect(idle.due(2999)).toBeUndefined();
    expect(idle.due(3000)).toBe('idle');

    const busy = new MicroBatcher({ ...limits, maxRows: 1_000_000 });
    for (let now = 0; now < 10_000; now += 500) {
      busy.add(now, 1, 1);
      expect(busy.due(now)).toBeUndefined();
    }
    expect(busy.nextDeadline()).toBe(10_000);
    expect(busy.due(10_000)).toBe('age');
  });

  it('has nothing due while empty', () => {
    const batcher = new MicroBatcher(limits);
    expect(batcher.due(1e12)).toBeUndefined();
    expect(batcher.nextDeadline()).toBeUndefined();
  });
});
