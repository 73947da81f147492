import { Gauge, type Registry } from 'prom-client';
import { describeError } from '@fluxo/schema';
import { MetricsError } from './errors';

/** One dependency the app needs to do its work: the broker, the lake, the catalog. */
export interface ReadinessCheck {
  /** Short and stable (`kafka`, `lake`, `catalog`): a label value and a key of the /readyz body. */
  readonly name: string;
  /** Resolves when the dependency is usable, rejects (with any error) when it is not. */
  readonly check: (signal: AbortSignal) => Promise<void>;
  /** A check slower than this fails with `CHECK_TIMEOUT`. Default 5000. */
  readonly timeoutMs?: number;
}

export interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  readonly durationMs: number;
  readonly error?: string;
}

export interface ReadinessReport {
  readonly ready: boolean;
  /** ISO time of the evaluation (a cached report keeps its time). */
  readonly checkedAt: string;
  readonly checks: readonly CheckResult[];
}

export interface ReadinessOptions {
  /** Where `fluxo_ready` and `fluxo_readiness_check{check}` go; none when omitted. */
  readonly registry?: Registry;
  /**
   * A report younger than this is answered again instead of running every check anew, so a busy
   * prober cannot hammer the broker or the catalog. Default 1000; 0 evaluates every time.
   */
  readonly cacheMs?: number;
  /**
   * A scrape of the gauges starts a new evaluation in the background when the last one is older
   * than this (the scrape itself answers at once with the last results). Default 10000.
   */
  readonly refreshOnScrapeMs?: number;
}

const STARTED = 'started';

/**
 * Whether the app can do its work now: every registered check passes and the app said it finished
 * starting (`markStarted`). Checks run concurrently, each bounded by its timeout; evaluations that
 * overlap share one run. The results are also gauges, so Prometheus sees which dependency failed.
 */
export class Readiness {
  private readonly checks = new Map<string, ReadinessCheck>();
  private started = false;
  private running: Promise<ReadinessReport> | undefined;
  private last: { readonly at: number; readonly report: ReadinessReport } | undefined;
  private readonly cacheMs: number;
  private readonly readyGauge: Gauge | undefined;
  private readonly checkGauge: Gauge<'check'> | undefined;

  constructor(options: ReadinessOptions = {}) {
    this.cacheMs = options.cacheMs ?? 1000;
    if (!Number.isSafeInteger(this.cacheMs) || this.cacheMs < 0) throw new MetricsError('INVALID_OPTIONS', 'cacheMs: must be an integer >= 0');
    if (options.registry !== undefined) {
      const refreshMs = options.refreshOnScrapeMs ?? 10_000;
      // eslint-disable-next-line @typescript-eslint/no-this-alias -- the gauge's collect() runs with the gauge as `this`
      const readiness = this;
      this.readyGauge = new Gauge({
        name: 'fluxo_ready',
        help: '1 when the last readiness evaluation passed (every check, and the app started), else 0; a scrape refreshes results older than 10 s in the background',
        registers: [options.registry],
        collect() {
          if (readiness.last === undefined || Date.now() - readiness.last.at >= refreshMs) void readiness.evaluate();
        },
      });
      this.checkGauge = new Gauge({ name: 'fluxo_readiness_check', help: '1 when the readiness check passed at its last evaluation, else 0', labelNames: ['check'] as const, registers: [options.registry] });
      this.readyGauge.set(0);
    }
  }

  /** Registers a check (replacing one of the same name): apps add them as they open each dependency. */
  add(check: ReadinessCheck): this {
    if (typeof check.name !== 'string' || !/^[a-z][a-z0-9_-]{0,63}$/.test(check.name) || check.name === STARTED) {
      throw new MetricsError('INVALID_OPTIONS', `readiness check name ${JSON.stringify(check.name)} must match [a-z][a-z0-9_-]* and not be "${STARTED}"`);
    }
    this.checks.set(check.name, check);
    this.last = undefined;
    return this;
  }

  /** The app finished starting: from now on readiness depends on the checks alone. */
  markStarted(): void {
    this.started = true;
    this.last = undefined;
  }

  /** Runs the checks (or answers the recent report). Never rejects. */
  evaluate(): Promise<ReadinessReport> {
    const cached = this.last;
    if (cached !== undefined && Date.now() - cached.at < this.cacheMs) return Promise.resolve(cached.report);
    this.running ??= this.run().finally(() => (this.running = undefined));
    return this.running;
  }

  private async run(): Promise<ReadinessReport> {
    const at = Date.now();
    const results = await Promise.all([...this.checks.values()].map((check) => runCheck(check)));
    const started: CheckResult = { name: STARTED, ok: this.started, durationMs: 0, ...(this.started ? {} : { error: 'still starting' }) };
    const checks = [started, ...results];
    const report: ReadinessReport = { ready: checks.every((result) => result.ok), checkedAt: new Date(at).toISOString(), checks };
    this.readyGauge?.set(report.ready ? 1 : 0);
    for (const result of checks) this.checkGauge?.set({ check: result.name }, result.ok ? 1 : 0);
    this.last = { at, report };
    return report;
  }
}

async function runCheck(check: ReadinessCheck): Promise<CheckResult> {
  const timeoutMs = check.timeoutMs ?? 5000;
  const abort = new AbortController();
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new MetricsError('CHECK_TIMEOUT', `no answer within ${timeoutMs} ms`, { context: { check: check.name, timeoutMs } }));
      abort.abort(); // after the rejection: a check that settles on abort must not win the race
    }, timeoutMs);
  });
  try {
    await Promise.race([check.check(abort.signal), timeout]);
    return { name: check.name, ok: true, durationMs: Date.now() - started };
  } catch (error) {
    return { name: check.name, ok: false, durationMs: Date.now() - started, error: describeError(error) };
  } finally {
    clearTimeout(timer);
  }
}
