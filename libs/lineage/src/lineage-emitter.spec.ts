import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@fluxo/schema';
import { LineageEmitter, type LineageOutcome, type LineageTransport } from './lineage-emitter';
import type { RunEvent } from './openlineage';

const event = (runId: string, eventType: RunEvent['eventType'] = 'COMPLETE'): RunEvent => ({
  eventType,
  eventTime: '2026-01-01T00:00:00.000Z',
  producer: 'urn:fluxo:test',
  schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
  run: { runId },
  job: { namespace: 'fluxo', name: 'test' },
  inputs: [],
  outputs: [],
});

async function endpoint(status: (body: string) => number): Promise<{ url: string; bodies: string[]; server: Server }> {
  const bodies: string[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      bodies.push(body);
      response.writeHead(status(body)).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/lineage`, bodies, server };
}

describe('LineageEmitter', () => {
  it('appends one JSON line per event to the file, before emit() returns', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fluxo-lineage-'));
    try {
      const file = join(dir, 'nested', 'lineage.jsonl');
      const emitter = new LineageEmitter({ file, logger: silentLogger });
      await emitter.emit([event('a', 'START'), event('a')]);
      await emitter.emit([event('b')]);
      const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
      expect(lines.map((line) => (JSON.parse(line) as RunEvent).run.runId)).toEqual(['a', 'a', 'b']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('POSTs every event in order, and counts refused ones as failed without throwing', async () => {
    const { url, bodies, server } = await endpoint((body) => ((JSON.parse(body) as RunEvent).run.runId === 'refused' ? 500 : 201));
    try {
      const outcomes: [LineageTransport, LineageOutcome][] = [];
      const emitter = new LineageEmitter({ url, logger: silentLogger, onOutcome: (transport, outcome) => outcomes.push([transport, outcome]) });
      await emitter.emit([event('one', 'START'), event('one')]);
      await emitter.emit([event('refused')]);
      await emitter.flush();
      expect(bodies.map((body) => (JSON.parse(body) as RunEvent).run.runId)).toEqual(['one', 'one', 'refused']);
      expect(outcomes).toEqual([
        ['http', 'emitted'],
        ['http', 'emitted'],
        ['http', 'failed'],
      ]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('never holds up emit() for an unreachable endpoint, and drops the oldest beyond its queue', async () => {
    const outcomes: LineageOutcome[] = [];
    const emitter = new LineageEmitter({ url: 'http://127.0.0.1:1/lineage', maxQueuedEvents: 2, timeoutMs: 1000, logger: silentLogger, onOutcome: (_t, outcome) => outcomes.push(outcome) });
    await emitter.emit([event('1'), event('2'), event('3'), event('4')]);
    await emitter.flush();
    expect(outcomes.filter((o) => o === 'dropped')).toHaveLength(2);
    expect(outcomes.filter((o) => o === 'failed')).toHaveLength(2);
  });

  it('rejects a URL that is not http(s)', () => {
    expect(() => new LineageEmitter({ url: 'ftp://x', logger: silentLogger })).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }) as Error);
  });
});
