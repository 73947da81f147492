import { RecordingCursor } from './recording-cursor';

describe('RecordingCursor', () => {
  it('per-request: moves on advance and stops at the last response', () => {
    const cursor = new RecordingCursor(3, 'per-request', 1000);
    const seen: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      seen.push(cursor.current());
      cursor.advance();
    }
    expect(seen).toEqual([0, 1, 2, 2, 2]);
    cursor.reset();
    expect(cursor.current()).toBe(0);
  });

  it('clock: response i is current from start + i × step, and advance() does nothing', () => {
    let now = 1_000;
    const cursor = new RecordingCursor(3, 'clock', 100, () => now);
    const at = (ms: number): number => {
      now = 1_000 + ms;
      cursor.advance();
      return cursor.current();
    };
    expect([at(0), at(99), at(100), at(250), at(10_000)]).toEqual([0, 0, 1, 2, 2]);
    cursor.reset();
    expect(cursor.current()).toBe(0);
  });
});
