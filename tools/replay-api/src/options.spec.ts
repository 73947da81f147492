import { ReplayError } from './errors';
import { resolveOptions } from './options';
import { startReplayServer } from './server';

describe('options', () => {
  it('fills defaults', () => {
    expect(resolveOptions({})).toMatchObject({ host: '127.0.0.1', port: 0, advance: 'per-request', stepMs: 10_000, sse: { eventsPerSecond: 10, heartbeatMs: 15_000 } });
  });

  it('rejects bad options with every problem listed', () => {
    const attempt = (): unknown => resolveOptions({ port: -1, stepMs: 0, sse: { heartbeatMs: 1.5 }, faults: [{ kind: 'slow', path: 'x' }] });
    expect(attempt).toThrow(ReplayError);
    try {
      attempt();
    } catch (error: unknown) {
      expect(error).toMatchObject({ code: 'INVALID_OPTIONS', retriable: false });
      expect((error as ReplayError).problems).toEqual([
        'port must be an integer from 0 to 65535',
        'stepMs must be an integer >= 1',
        'sse.heartbeatMs must be an integer >= 0 (0 = off)',
        'faults[0]: path must be a path prefix starting with "/"',
      ]);
    }
  });

  it('fails with FIXTURE_MISSING for a folder without recordings', async () => {
    await expect(startReplayServer({ fixturesDir: __dirname })).rejects.toMatchObject({ code: 'FIXTURE_MISSING' });
  });

  it('fails with LISTEN_FAILED when the port is taken', async () => {
    await using first = await startReplayServer();
    await expect(startReplayServer({ port: first.port })).rejects.toMatchObject({ code: 'LISTEN_FAILED', retriable: true, port: first.port });
  });
});
