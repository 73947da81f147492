// @ts-check
/**
 * A small process supervisor, as `npm start` and the soak use it: each service is a child process
 * with a restart policy. A service that exits without being asked to is started again after a
 * back-off that doubles with every failure in a row (capped), and starts from the beginning once
 * the service has stayed up long enough; every exit and restart is logged. An exit code listed as
 * fatal (2 by default: invalid configuration, missing Java…) is not retried — restarting would fail
 * the same way. `stop()` stops the services in reverse order of `add` (apps before the broker they
 * need), each with its stop signal, then SIGKILL after its grace period.
 *
 * Children run in their own process group, so a Ctrl-C in the terminal reaches the supervisor only,
 * which then stops everything in order (the broker last, cleanly).
 */
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';

/**
 * @typedef {object} RestartPolicy
 * @property {number} initialDelayMs   delay before the first restart after a failure
 * @property {number} maxDelayMs       the delay never grows beyond this
 * @property {number} multiplier       each failure in a row multiplies the delay by this
 * @property {number} stableAfterMs    a service up at least this long starts the next back-off from the beginning
 * @property {readonly number[]} fatalExitCodes  exit codes that are not retried
 */

/** @type {RestartPolicy} */
export const DEFAULT_RESTART_POLICY = Object.freeze({ initialDelayMs: 1_000, maxDelayMs: 30_000, multiplier: 2, stableAfterMs: 60_000, fatalExitCodes: Object.freeze([2]) });

/**
 * @typedef {object} ServiceSpec
 * @property {string} name
 * @property {string} command            executable (or a shell command line when `shell` is true)
 * @property {readonly string[]} [args]
 * @property {boolean} [shell]           run `command` with `sh -c` (use `exec …` to keep one process)
 * @property {string} [cwd]
 * @property {NodeJS.ProcessEnv} [env]
 * @property {NodeJS.Signals} [stopSignal]  default SIGTERM
 * @property {number} [stopGraceMs]        SIGKILL this long after the stop signal, default 15 000
 * @property {boolean} [restart]           default true
 * @property {(line: string, stream: 'stdout' | 'stderr') => void} [output]  each line the service prints; default: printed with a `[name]` prefix
 */

/**
 * @typedef {'starting' | 'running' | 'backing-off' | 'stopping' | 'stopped' | 'failed'} ServiceState
 * @typedef {{ code: number | null, signal: NodeJS.Signals | null }} ServiceExit
 * @typedef {{ state: ServiceState, pid: number | undefined, starts: number, failuresInARow: number, lastExit: ServiceExit | undefined }} ServiceStatus
 */

/**
 * Delay before restarting a service that failed `failuresInARow` times in a row (1 = first failure).
 * @param {RestartPolicy} policy
 * @param {number} failuresInARow
 */
export function restartDelayMs(policy, failuresInARow) {
  const exponent = Math.max(0, Math.min(failuresInARow - 1, 30));
  return Math.min(policy.maxDelayMs, Math.round(policy.initialDelayMs * policy.multiplier ** exponent));
}

/**
 * @typedef {object} SupervisorOptions
 * @property {(message: string) => void} [log]     default: console.log with a `[supervisor]` prefix
 * @property {Partial<RestartPolicy>} [policy]
 * @property {(delayMs: number, run: () => void) => { cancel(): void }} [schedule]  how a restart waits its back-off (tests record the delay and run it at once)
 * @property {() => number} [now]                  clock for uptimes (tests move it)
 */

/** @typedef {Required<Omit<SupervisorOptions, 'policy'>> & { policy: RestartPolicy }} ResolvedOptions */

/**
 * Events: `spawn` (name, pid), `exit` (name, ServiceExit, { restartInMs | undefined }), `gave-up` (name, ServiceExit),
 * `stopped` (name).
 */
export class Supervisor extends EventEmitter {
  /** @type {Map<string, Service>} */
  #services = new Map();
  #stopping = false;
  /** @type {ResolvedOptions} */
  #options;
  /** @type {RestartPolicy} */
  #policy;

  /** @param {SupervisorOptions} [options] */
  constructor(options = {}) {
    super();
    this.#policy = { ...DEFAULT_RESTART_POLICY, ...options.policy };
    this.#options = {
      log: options.log ?? ((message) => console.log(`[supervisor] ${message}`)),
      policy: this.#policy,
      schedule:
        options.schedule ??
        ((delayMs, run) => {
          const timer = setTimeout(run, delayMs);
          return { cancel: () => clearTimeout(timer) };
        }),
      now: options.now ?? Date.now,
    };
  }

  /** @returns {RestartPolicy} */
  get policy() {
    return this.#policy;
  }

  /**
   * Adds a service and starts it.
   * @param {ServiceSpec} spec
   */
  add(spec) {
    if (this.#stopping) throw new Error('the supervisor is stopping');
    if (this.#services.has(spec.name)) throw new Error(`service ${spec.name} is already supervised`);
    const service = new Service(spec, this.#options, this);
    this.#services.set(spec.name, service);
    service.start();
    return service;
  }

  /** @param {string} name */
  status(name) {
    return this.#require(name).status();
  }

  /**
   * Sends a signal to a running service as if something outside had (the soak's SIGKILL): the
   * supervisor treats the exit like any other and restarts the service.
   * @param {string} name
   * @param {NodeJS.Signals} [signal]
   */
  kill(name, signal = 'SIGKILL') {
    return this.#require(name).signal(signal);
  }

  /**
   * Stops one service for good (no restart) and waits until it has exited.
   * @param {string} name
   */
  async stopService(name) {
    await this.#require(name).stop();
  }

  /**
   * Starts a service that was stopped with `stopService` (or gave up) again, with a fresh back-off.
   * @param {string} name
   */
  restartService(name) {
    if (this.#stopping) throw new Error('the supervisor is stopping');
    this.#require(name).revive();
  }

  /** Stops every service, last added first; resolves when all have exited. Idempotent. */
  async stop() {
    this.#stopping = true;
    for (const service of [...this.#services.values()].reverse()) await service.stop();
  }

  /** SIGKILL to every running service at once (a second Ctrl-C). */
  killAll() {
    this.#stopping = true;
    for (const service of this.#services.values()) service.abandon();
  }

  /** @param {string} name */
  #require(name) {
    const service = this.#services.get(name);
    if (service === undefined) throw new Error(`no service ${name}`);
    return service;
  }
}

class Service {
  /** @type {ServiceState} */
  state = 'starting';
  /** @type {import('node:child_process').ChildProcess | undefined} */
  child;
  starts = 0;
  failuresInARow = 0;
  /** @type {ServiceExit | undefined} */
  lastExit;
  /** @type {{ cancel(): void } | undefined} */
  pendingRestart;
  /** @type {Promise<void> | undefined} */
  exited;
  startedAt = 0;

  /**
   * @param {ServiceSpec} spec
   * @param {ResolvedOptions} options
   * @param {Supervisor} events
   */
  constructor(spec, options, events) {
    this.spec = spec;
    this.options = options;
    this.events = events;
  }

  /** @returns {ServiceStatus} */
  status() {
    return { state: this.state, pid: this.child?.pid, starts: this.starts, failuresInARow: this.failuresInARow, lastExit: this.lastExit };
  }

  start() {
    const { spec } = this;
    this.state = 'running';
    this.starts += 1;
    this.startedAt = this.options.now();
    const child = spec.shell
      ? spawn('sh', ['-c', spec.command], { cwd: spec.cwd, env: spec.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
      : spawn(spec.command, [...(spec.args ?? [])], { cwd: spec.cwd, env: spec.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.child = child;
    const print = spec.output ?? ((line, stream) => (stream === 'stderr' ? process.stderr : process.stdout).write(`[${spec.name}] ${line}\n`));
    for (const stream of /** @type {const} */ (['stdout', 'stderr'])) {
      let pending = '';
      child[stream]?.on('data', (/** @type {Buffer} */ chunk) => {
        pending += chunk.toString('utf8');
        let newline;
        while ((newline = pending.indexOf('\n')) >= 0) {
          print(pending.slice(0, newline), stream);
          pending = pending.slice(newline + 1);
        }
      });
      child[stream]?.on('end', () => {
        if (pending !== '') print(pending, stream);
        pending = '';
      });
    }
    this.exited = new Promise((resolve) => {
      child.once('error', (error) => {
        // spawn failed (ENOENT…): reported like an exit with no code
        if (child.pid === undefined) {
          this.options.log(`${spec.name} could not start: ${error.message}`);
          this.onExit({ code: null, signal: null });
          resolve();
        }
      });
      child.once('exit', (code, signal) => {
        this.onExit({ code, signal });
        resolve();
      });
    });
    if (child.pid !== undefined) this.events.emit('spawn', spec.name, child.pid);
  }

  /** @param {ServiceExit} exit */
  onExit(exit) {
    const { spec, options } = this;
    this.lastExit = exit;
    this.child = undefined;
    const upMs = options.now() - this.startedAt;
    const how = exit.signal !== null ? `signal ${exit.signal}` : `code ${exit.code}`;
    if (this.state === 'stopping') {
      this.state = 'stopped';
      options.log(`${spec.name} stopped (${how})`);
      this.events.emit('exit', spec.name, exit, { restartInMs: undefined });
      this.events.emit('stopped', spec.name);
      return;
    }
    if (spec.restart === false || (exit.code !== null && options.policy.fatalExitCodes.includes(exit.code))) {
      this.state = 'failed';
      options.log(`${spec.name} exited (${how}) after ${seconds(upMs)}; not restarting${spec.restart === false ? '' : ` (exit code ${exit.code} means it would fail again: fix the cause, then restart)`}`);
      this.events.emit('exit', spec.name, exit, { restartInMs: undefined });
      this.events.emit('gave-up', spec.name, exit);
      return;
    }
    this.failuresInARow = upMs >= options.policy.stableAfterMs ? 1 : this.failuresInARow + 1;
    const delayMs = restartDelayMs(options.policy, this.failuresInARow);
    this.state = 'backing-off';
    options.log(`${spec.name} exited (${how}) after ${seconds(upMs)}; restart ${this.starts} in ${seconds(delayMs)} (failure ${this.failuresInARow} in a row)`);
    this.events.emit('exit', spec.name, exit, { restartInMs: delayMs });
    this.pendingRestart = options.schedule(delayMs, () => {
      this.pendingRestart = undefined;
      if (this.state !== 'backing-off') return;
      options.log(`restarting ${spec.name}`);
      this.start();
    });
  }

  /**
   * A stop signal goes to the service's process, which may stop its own children cleanly (the
   * broker's launcher stops its JVM). SIGKILL goes to the whole process group: nothing it started
   * survives to hold ports or files.
   * @param {NodeJS.Signals} signal
   */
  signal(signal) {
    const pid = this.child?.pid;
    if (pid === undefined) return false;
    for (const target of signal === 'SIGKILL' ? [-pid, pid] : [pid]) {
      try {
        process.kill(target, signal);
        return true;
      } catch {
        // no such group (already gone): try the process itself
      }
    }
    return false;
  }

  async stop() {
    this.pendingRestart?.cancel();
    this.pendingRestart = undefined;
    if (this.child === undefined) {
      if (this.state !== 'stopped') {
        this.state = 'stopped';
        this.events.emit('stopped', this.spec.name);
      }
      return;
    }
    if (this.state !== 'stopping') {
      this.state = 'stopping';
      this.signal(this.spec.stopSignal ?? 'SIGTERM');
    }
    const exited = this.exited ?? Promise.resolve();
    // A deadline, not a pace: the real clock, whatever `schedule` the restarts use.
    const grace = setTimeout(() => {
      this.options.log(`${this.spec.name} did not stop within ${seconds(this.spec.stopGraceMs ?? 15_000)}: SIGKILL`);
      this.signal('SIGKILL');
    }, this.spec.stopGraceMs ?? 15_000);
    await exited;
    clearTimeout(grace);
  }

  revive() {
    if (this.child !== undefined || this.state === 'backing-off') return;
    this.failuresInARow = 0;
    this.start();
  }

  abandon() {
    this.pendingRestart?.cancel();
    this.pendingRestart = undefined;
    if (this.child !== undefined) {
      this.state = 'stopping';
      this.signal('SIGKILL');
    }
  }
}

/** @param {number} ms */
function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}
