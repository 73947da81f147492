import { BUILTIN_DEFINITIONS, DefinitionCatalog, InstanceReconciler, resolveSourceSpecs, silentLogger, type Logger, type SourceInstance } from '@fluxo/schema';
import { recordingLogger } from '@fluxo/schema/testing';
import { PollScheduler, type ScheduledSource } from './poll-scheduler';

const dataset = { name: 'things', description: 'Things.', columns: [{ name: 'id', type: 'string', required: true }, { name: 'seen', type: 'timestamp', required: true }], partitionBy: 'seen', entityKey: ['id'], versionColumn: '_fetched_at' };
function source(name: string, request: Record<string, unknown> = {}) {
  return {
    name,
    kind: 'poll',
    dataset: 'things',
    description: 'A source of things.',
    request: { url: `https://api.example/${name}?token={token}`, params: { token: 'x' }, intervalMs: 60_000, ...request },
    records: { path: '$' },
    key: ['id'],
    mapping: [
      { column: 'id', path: 'id' },
      { column: 'seen', path: 'seen', format: 'iso8601' },
    ],
  };
}
function catalogWith(...sources: unknown[]): DefinitionCatalog {
  return DefinitionCatalog.build({
    sources: [...BUILTIN_DEFINITIONS.sources, ...sources.map((definition, i) => ({ origin: `folder/${i}.json`, definition }))],
    datasets: [...BUILTIN_DEFINITIONS.datasets, { origin: 'folder/things.json', definition: dataset }],
  });
}

/** A poller whose polls finish only when the test lets them (`release`), recording what it polled. */
class GatedPoller {
  readonly polls: string[] = [];
  private gate: (() => void) | undefined;
  constructor(readonly instance: SourceInstance) {}
  get name(): string {
    return this.instance.definition.name;
  }
  async poll(): Promise<{ kind: 'not-modified' }> {
    this.polls.push(this.instance.url);
    await new Promise<void>((resolve) => (this.gate = resolve));
    return { kind: 'not-modified' };
  }
  get polling(): boolean {
    return this.gate !== undefined;
  }
  release(): void {
    const gate = this.gate;
    this.gate = undefined;
    gate?.();
  }
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

describe('issue 10: definitions applied to a running ingest (PollScheduler + InstanceReconciler)', () => {
  let scheduler: PollScheduler;
  let pollers: GatedPoller[];
  /** As main.ts wires them: FLUXO_SOURCES resolved against each catalog, instances started and stopped on the scheduler. */
  const reconciler = (specs: string[], logger: Logger = silentLogger) => {
    const schedule = (key: string, instance: SourceInstance): ScheduledSource => {
      const poller = new GatedPoller(instance);
      pollers.push(poller);
      return { key, poller, intervalMs: instance.intervalMs };
    };
    const running = new InstanceReconciler<SourceInstance>({
      what: 'source',
      start: (spec, instance) => scheduler.add(schedule(spec, instance)),
      stop: async (spec) => void (await scheduler.remove(spec)),
      logger,
    });
    return { apply: (catalog: DefinitionCatalog) => running.apply(resolveSourceSpecs(catalog, specs, undefined, {})) };
  };
  beforeEach(() => {
    scheduler = new PollScheduler(silentLogger);
    pollers = [];
  });
  afterEach(async () => {
    const stopped = scheduler.stop();
    for (const poller of pollers) poller.release();
    await stopped;
  });

  it('"*" polls every folder source (never a built-in), starts one added later and stops one removed after its poll in flight', async () => {
    const sources = reconciler(['usgs-earthquakes', '*']);
    await sources.apply(catalogWith(source('alpha')));
    expect(scheduler.keys.sort()).toEqual(['alpha', 'usgs-earthquakes']);
    await until(() => pollers.every((p) => p.polling));

    await sources.apply(catalogWith(source('alpha'), source('beta')));
    expect(scheduler.keys.sort()).toEqual(['alpha', 'beta', 'usgs-earthquakes']);
    expect(pollers).toHaveLength(3); // alpha and usgs-earthquakes kept their pollers

    const alpha = pollers.find((p) => p.name === 'alpha');
    let removed = false;
    const removal = sources.apply(catalogWith(source('beta'))).then(() => (removed = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(removed).toBe(false); // waits for alpha's poll in flight
    alpha?.release();
    await removal;
    expect(scheduler.keys.sort()).toEqual(['beta', 'usgs-earthquakes']);
    expect(alpha?.polls).toHaveLength(1); // and never polls again
  });

  it('re-configures a changed source with a new poller once the old one finished its poll; an unchanged catalog changes nothing', async () => {
    const sources = reconciler(['alpha?token=t1']);
    await sources.apply(catalogWith(source('alpha')));
    await sources.apply(catalogWith(source('alpha')));
    expect(pollers).toHaveLength(1);
    await until(() => pollers[0]?.polling === true);

    const change = sources.apply(catalogWith(source('alpha', { url: 'https://api.example/v2/alpha?token={token}' })));
    await new Promise((resolve) => setImmediate(resolve));
    expect(pollers).toHaveLength(1); // the old poll is still in flight: no second poller on the same state yet
    pollers[0]?.release();
    await change;
    await until(() => pollers[1]?.polling === true);
    expect(pollers.map((p) => p.polls)).toEqual([['https://api.example/alpha?token=t1'], ['https://api.example/v2/alpha?token=t1']]);
  });

  it('keeps a spec\'s previous version running when the changed definitions make it invalid, with one message per mistake', async () => {
    const logger = recordingLogger();
    const sources = reconciler(['alpha?token=t1'], logger);
    await sources.apply(catalogWith(source('alpha')));
    // The new version has no {token} parameter: the configured spec no longer fits it.
    await sources.apply(catalogWith(source('alpha', { url: 'https://api.example/alpha', params: {} })));
    expect(scheduler.keys).toEqual(['alpha?token=t1']);
    expect(pollers).toHaveLength(1);
    const error = logger.entries.find((e) => e.level === 'error');
    expect(error?.fields['problems']).toEqual(['"token" is not a parameter of alpha (it has: intervalMs)']);
  });

  it('stops a source named in the configuration when its definition is removed, and starts it again when it comes back', async () => {
    const sources = reconciler(['alpha']);
    await sources.apply(catalogWith(source('alpha')));
    const stopping = sources.apply(catalogWith());
    await until(() => pollers[0]?.polling === true);
    pollers[0]?.release();
    await stopping;
    expect(scheduler.keys).toEqual([]);
    await sources.apply(catalogWith(source('alpha')));
    expect(scheduler.keys).toEqual(['alpha']);
    expect(pollers).toHaveLength(2);
  });
});
