import { Writable } from 'node:stream';
import { createAppLogger } from './app-logger';

function capture(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('createAppLogger', () => {
  it('writes one JSON line per event with the app name, pid and the fields given', () => {
    const out = capture();
    const logger = createAppLogger('normalizer', 'info', { destination: out.stream });
    logger.info({ topic: 'fluxo.raw-files', offset: '7' }, 'published');
    const [line] = out.lines();
    expect(line).toMatchObject({ name: 'normalizer', app: 'normalizer', pid: process.pid, topic: 'fluxo.raw-files', offset: '7', msg: 'published', level: 30 });
  });

  it('drops events below the configured level and carries child bindings', () => {
    const out = capture();
    const logger = createAppLogger('ingest', 'warn', { destination: out.stream });
    logger.info({}, 'not shown');
    logger.child({ source: 'usgs' }).warn({ attempt: 2 }, 'retrying');
    expect(out.lines()).toEqual([expect.objectContaining({ app: 'ingest', source: 'usgs', attempt: 2, msg: 'retrying', level: 40 })]);
  });
});
