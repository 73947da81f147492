import { DedupWindow } from './dedup-window';

describe('DedupWindow', () => {
  it('drops a key it holds, forgets the oldest beyond capacity', () => {
    const window = new DedupWindow(3);
    expect(['a', 'b', 'a', 'c', 'd'].map((key) => window.add(key))).toEqual([true, true, false, true, true]);
    expect(window.has('a')).toBe(false);
    expect(window.snapshot()).toEqual(['b', 'c', 'd']);
    expect(window.add('a')).toBe(true);
  });

  it('survives a restart through its snapshot, keeping the newest keys', () => {
    const window = new DedupWindow(1000);
    for (let i = 0; i < 10_000; i += 1) window.add(`k${i}`);
    const restored = new DedupWindow(500, window.snapshot());
    expect(restored.size).toBe(500);
    expect(restored.has('k9999')).toBe(true);
    expect(restored.has('k9499')).toBe(false);
    expect(restored.tail(2)).toEqual(['k9998', 'k9999']);
  });

  it('with capacity 0 remembers nothing', () => {
    const window = new DedupWindow(0);
    expect([window.add('a'), window.add('a')]).toEqual([true, true]);
  });
});
