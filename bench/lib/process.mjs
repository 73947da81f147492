// @ts-check
/**
 * Child processes for the benchmark: spawn, keep their output (pino JSON lines parsed), wait for a
 * log line, and sample peak memory. Peak RSS is read from /proc/<pid>/status `VmHWM` (the kernel's
 * own high-water mark, so short spikes between samples are not missed) for the child and every
 * descendant (PySpark's JVM is a child of its Python driver); the figure is the sum over the tree.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** @typedef {Record<string, any> & { msg?: string, time?: number }} LogLine */

/** @param {number} pid @returns {Map<string, number>} kB of VmHWM per field name */
function statusOf(pid) {
  const fields = new Map();
  try {
    for (const line of readFileSync(`/proc/${pid}/status`, 'utf8').split('\n')) {
      const match = /^(VmHWM|VmRSS):\s+(\d+) kB/.exec(line);
      if (match) fields.set(/** @type {string} */ (match[1]), Number(match[2]));
    }
  } catch {
    // gone
  }
  return fields;
}

/** @param {number} root @returns {number[]} root and all descendants */
function processTree(root) {
  /** @type {Map<number, number[]>} */
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // exited meanwhile
    }
  }
  const out = [root];
  for (let i = 0; i < out.length; i++) out.push(...(children.get(/** @type {number} */ (out[i])) ?? []));
  return out;
}

export class TrackedProcess {
  /** @type {LogLine[]} */
  lines = [];
  /** @type {{ predicate: (l: LogLine) => boolean, resolve: (l: LogLine) => void }[]} */
  #waiters = [];
  /** @type {Map<number, number>} peak VmHWM (kB) per pid seen */
  #peaks = new Map();
  #timer;
  /** @type {Promise<{ code: number | null, signal: string | null }>} */
  exited;
  startedAt = Date.now();

  /**
   * @param {string} name
   * @param {string} command
   * @param {string[]} args
   * @param {{ env?: Record<string, string | undefined>, cwd?: string, logFile?: string, sampleMs?: number }} [options]
   */
  constructor(name, command, args, options = {}) {
    this.name = name;
    this.child = spawn(command, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const log = options.logFile ? createWriteStream(options.logFile) : undefined;
    let buffer = '';
    /** @param {Buffer} chunk */
    const onData = (chunk) => {
      log?.write(chunk);
      buffer += chunk.toString('utf8');
      let newline;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        this.#accept(buffer.slice(0, newline));
        buffer = buffer.slice(newline + 1);
      }
    };
    this.child.stdout?.on('data', onData);
    this.child.stderr?.on('data', onData);
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => {
        clearInterval(this.#timer);
        log?.end();
        resolve({ code, signal });
      }),
    );
    this.#timer = setInterval(() => this.#sample(), options.sampleMs ?? 200);
    this.#sample();
  }

  get pid() {
    return /** @type {number} */ (this.child.pid);
  }

  /** Peak RSS in MB: the sum of each process's high-water mark over the process tree. */
  get peakRssMb() {
    let kb = 0;
    for (const value of this.#peaks.values()) kb += value;
    return Math.round(kb / 1024);
  }

  #sample() {
    if (this.child.pid === undefined || this.child.exitCode !== null) return;
    for (const pid of processTree(this.child.pid)) {
      const hwm = statusOf(pid).get('VmHWM');
      if (hwm !== undefined) this.#peaks.set(pid, Math.max(hwm, this.#peaks.get(pid) ?? 0));
    }
  }

  /** @param {string} text */
  #accept(text) {
    /** @type {LogLine} */
    let line;
    try {
      line = JSON.parse(text);
      if (typeof line !== 'object' || line === null) line = { msg: text };
    } catch {
      line = { msg: text };
    }
    line.receivedAt ??= Date.now();
    this.lines.push(line);
    const matched = this.#waiters.filter((w) => w.predicate(line));
    this.#waiters = this.#waiters.filter((w) => !matched.includes(w));
    for (const waiter of matched) waiter.resolve(line);
  }

  /**
   * @param {(l: LogLine) => boolean} predicate
   * @param {number} timeoutMs
   * @returns {Promise<LogLine>}
   */
  waitForLine(predicate, timeoutMs) {
    const seen = this.lines.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name}: no matching log line within ${timeoutMs} ms; last lines:\n${this.tail()}`)), timeoutMs);
      this.#waiters.push({ predicate, resolve: (l) => (clearTimeout(timer), resolve(l)) });
      void this.exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited (code ${code}, signal ${signal}) before the expected log line; last lines:\n${this.tail()}`));
      });
    });
  }

  /** @param {string} msg */
  linesWith(msg) {
    return this.lines.filter((l) => l.msg === msg);
  }

  tail(n = 20) {
    return this.lines
      .slice(-n)
      .map((l) => JSON.stringify(l).slice(0, 600))
      .join('\n');
  }

  /** SIGTERM (then SIGKILL after graceMs); resolves when exited. */
  async stop(graceMs = 15_000) {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.#sample();
      this.child.kill('SIGTERM');
      const killer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(killer);
    }
    return this.exited;
  }
}

/**
 * A TCP port free right now on 127.0.0.1, for an app's metrics endpoint (FLUXO_METRICS_PORT): the
 * apps' default ports (9481–9484) may be taken by a developer's stack, and an endpoint that cannot
 * bind stops the app. The endpoint stays on, as in production.
 * @returns {Promise<string>}
 */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(String(port)));
    });
  });
}
