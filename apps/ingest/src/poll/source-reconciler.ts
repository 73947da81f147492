import { redactUrl, resolveSourceSpecs, type DefinitionCatalog, type Logger, type SourceEnvironment, type SourceInstance } from '@fluxo/schema';
import type { PollScheduler, ScheduledSource } from './poll-scheduler';

export interface SourceReconcilerDeps {
  /** `FLUXO_SOURCES`: specs, `*` standing for every source of the definitions folder. */
  readonly specs: readonly string[];
  readonly baseUrl: string | undefined;
  readonly env: SourceEnvironment;
  readonly scheduler: Pick<PollScheduler, 'add' | 'remove'>;
  /** Builds the poller of one instance (a fresh one: it loads the source's state on its first poll). */
  readonly schedule: (key: string, instance: SourceInstance) => ScheduledSource;
  readonly logger: Logger;
}

/**
 * Keeps the polled sources in step with the definitions: `apply(catalog)` resolves the configured
 * specs against a catalog and starts the instances that are new, restarts those whose definition,
 * URL, headers or interval changed, and stops those whose source is gone. A spec that no longer
 * resolves for another reason (a parameter the new definition lacks, a missing secret) is logged
 * with its messages and keeps its previous instance running.
 */
export class SourceReconciler {
  private readonly running = new Map<string, { readonly instance: SourceInstance; readonly fingerprint: string }>();

  constructor(private readonly deps: SourceReconcilerDeps) {}

  /** The instances being polled, by spec. */
  get instances(): SourceInstance[] {
    return [...this.running.values()].map((entry) => entry.instance);
  }

  async apply(catalog: DefinitionCatalog): Promise<void> {
    const { logger, scheduler } = this.deps;
    const wanted = new Set<string>();
    for (const resolution of resolveSourceSpecs(catalog, this.deps.specs, this.deps.baseUrl, this.deps.env)) {
      const { spec } = resolution;
      if (!('instance' in resolution)) {
        if (resolution.unknownSource) continue; // gone: stopped below
        wanted.add(spec);
        logger.error({ spec, problems: resolution.problems }, `source spec "${spec}" is invalid with the changed definitions; its previous version keeps running:\n${resolution.problems.join('\n')}`);
        continue;
      }
      wanted.add(spec);
      const fingerprint = JSON.stringify(resolution.instance);
      const current = this.running.get(spec);
      if (current?.fingerprint === fingerprint) continue;
      this.running.set(spec, { instance: resolution.instance, fingerprint });
      await scheduler.add(this.deps.schedule(spec, resolution.instance));
      const { definition, url, intervalMs } = resolution.instance;
      logger.info({ spec, source: definition.name, url: redactUrl(url), intervalMs }, current === undefined ? `polling source ${definition.name}` : `source ${definition.name} re-configured`);
    }
    for (const spec of [...this.running.keys()].filter((key) => !wanted.has(key))) {
      const name = this.running.get(spec)?.instance.definition.name;
      this.running.delete(spec);
      await scheduler.remove(spec);
      logger.info({ spec, source: name }, `source ${name} stopped: its definition was removed (its poll in flight was finished first)`);
    }
  }
}
