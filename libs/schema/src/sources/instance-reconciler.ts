import type { Logger } from '../logger';
import { redactUrl } from './redact-url';

/** One configured spec resolved against a catalog: its instance, or its problems (`unknownSource` when its source is not defined). */
export type SpecResolution<I> =
  | { readonly spec: string; readonly instance: I }
  | { readonly spec: string; readonly problems: readonly string[]; readonly unknownSource: boolean };

/** What a reconciler needs of an instance: its source's name and URL (for logs). */
export interface NamedInstance {
  readonly definition: { readonly name: string };
  readonly url: string;
}

export interface InstanceReconcilerDeps<I extends NamedInstance> {
  /** Starts running `instance` under `spec`; one already running under `spec` was stopped first. */
  readonly start: (spec: string, instance: I) => Promise<void>;
  /** Stops what runs under `spec`, letting its work in flight finish. */
  readonly stop: (spec: string) => Promise<void>;
  /** `source` or `stream`, for log lines. */
  readonly what: string;
  readonly logger: Logger;
}

/**
 * Keeps running instances (polled sources, followed streams) in step with the definitions in force:
 * `apply(resolutions)` starts the instances that are new, restarts those whose definition, URL,
 * headers or interval changed (stop, then start), and stops those whose source is no longer
 * defined. A spec that no longer resolves for another reason (a parameter the new definition lacks,
 * a secret that is not set) is logged with its messages and keeps its previous instance running.
 */
export class InstanceReconciler<I extends NamedInstance> {
  private readonly running = new Map<string, { readonly instance: I; readonly fingerprint: string }>();

  constructor(private readonly deps: InstanceReconcilerDeps<I>) {}

  /** The instances running, by spec. */
  get instances(): I[] {
    return [...this.running.values()].map((entry) => entry.instance);
  }

  async apply(resolutions: readonly SpecResolution<I>[]): Promise<void> {
    const { logger, what } = this.deps;
    const wanted = new Set<string>();
    for (const resolution of resolutions) {
      const { spec } = resolution;
      if (!('instance' in resolution)) {
        if (resolution.unknownSource) continue; // gone: stopped below
        wanted.add(spec);
        logger.error({ spec, problems: resolution.problems }, `${what} spec "${spec}" is invalid with the changed definitions; its previous version keeps running:\n${resolution.problems.join('\n')}`);
        continue;
      }
      wanted.add(spec);
      const fingerprint = JSON.stringify(resolution.instance);
      const current = this.running.get(spec);
      if (current?.fingerprint === fingerprint) continue;
      if (current !== undefined) await this.deps.stop(spec);
      this.running.set(spec, { instance: resolution.instance, fingerprint });
      await this.deps.start(spec, resolution.instance);
      const { definition, url } = resolution.instance;
      logger.info({ spec, [what]: definition.name, url: redactUrl(url) }, current === undefined ? `${what} ${definition.name} started` : `${what} ${definition.name} re-configured`);
    }
    for (const spec of [...this.running.keys()].filter((key) => !wanted.has(key))) {
      const name = this.running.get(spec)?.instance.definition.name;
      this.running.delete(spec);
      await this.deps.stop(spec);
      logger.info({ spec, [what]: name }, `${what} ${name} stopped: its definition was removed (its work in flight was finished first)`);
    }
  }
}
