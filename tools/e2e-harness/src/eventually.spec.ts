import { eventually } from './eventually';
import { freePort } from './free-port';
import { createServer } from 'node:net';

describe('eventually', () => {
  it('returns the first value the condition accepts, reading again until then', async () => {
    let reads = 0;
    await expect(eventually(async () => ++reads, (n) => n >= 3, 'three reads', 60_000)).resolves.toBe(3);
    expect(reads).toBe(3);
  });

  it('tries a read that throws again, as something not there yet', async () => {
    let reads = 0;
    const read = async (): Promise<string> => {
      reads += 1;
      if (reads < 2) throw new Error('not yet');
      return 'there';
    };
    await expect(eventually(read, (value) => value === 'there', 'it is there', 60_000)).resolves.toBe('there');
  });

  it('fails at the deadline naming what it waited for, the last value and the last error', async () => {
    await expect(eventually(async () => 1, (n) => n > 1, 'more than one', 0)).rejects.toThrow('Timed out waiting until more than one; last value: 1');
    await expect(
      eventually(
        async () => {
          throw new Error('broker down');
        },
        () => true,
        'a read',
        0,
      ),
    ).rejects.toThrow('last error: Error: broker down');
  });
});

describe('freePort', () => {
  it('gives a loopback port a server can bind', async () => {
    const port = await freePort();
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    await new Promise((resolve) => server.close(resolve));
    expect(port).toBeGreaterThan(0);
  });
});
