import { BoundedBuffer } from './bounded-buffer';

describe('BoundedBuffer', () => {
  const hooks = () => {
    const log: string[] = [];
    return { log, hooks: { onPause: (depth: number) => log.push(`pause@${depth}`), onResume: (_ms: number, depth: number) => log.push(`resume@${depth}`) } };
  };

  it('refuses past capacity, reports the pause once, and grants room at half capacity', async () => {
    const { log, hooks: h } = hooks();
    const buffer = new BoundedBuffer<number>(4, h);
    for (let i = 0; i < 4; i += 1) expect(buffer.offer(i)).toBe(true);
    expect(buffer.offer(4)).toBe(false);
    expect(buffer.offer(4)).toBe(false);
    let room = false;
    void buffer.waitForRoom().then(() => (room = true));
    expect(await buffer.take()).toBe(0);
    await Promise.resolve();
    expect(room).toBe(false);
    expect(await buffer.take()).toBe(1);
    await Promise.resolve();
    expect(room).toBe(true);
    expect(log).toEqual(['pause@4', 'resume@2']);
    expect(buffer.highWaterMark).toBe(4);
  });

  it('a producer awaiting put() is held while full: memory stays bounded', async () => {
    const buffer = new BoundedBuffer<number>(10, { onPause: () => undefined, onResume: () => undefined });
    let produced = 0;
    const producer = (async () => {
      for (let i = 0; i < 1000; i += 1) {
        await buffer.put(i);
        produced += 1;
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(produced).toBe(10);
    const taken: number[] = [];
    while (taken.length < 1000) {
      const item = await buffer.take(1000);
      if (item === undefined) break;
      taken.push(item);
      expect(buffer.size).toBeLessThanOrEqual(10);
    }
    await producer;
    expect(taken).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('times out a take, hands an offered item straight to a waiting taker, and closes', async () => {
    const buffer = new BoundedBuffer<string>(2, { onPause: () => undefined, onResume: () => undefined });
    expect(await buffer.take(5)).toBeUndefined();
    const waiting = buffer.take();
    buffer.offer('a');
    expect(await waiting).toBe('a');
    const pending = buffer.take();
    buffer.close();
    expect(await pending).toBeUndefined();
    expect(await buffer.put('late')).toBe(false);
  });
});
