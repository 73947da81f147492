import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { PYSPARK_SETUP_HINT, SparkInteropError, type SparkInteropErrorCode } from './spark-errors';

export interface SparkProcessOptions {
  readonly python: string;
  readonly script: string;
  readonly args: readonly string[];
  readonly startTimeoutMs: number;
}

type Message = Readonly<Record<string, unknown>>;

const STDERR_TAIL_CHARS = 64_000;
/** How much of stderr goes into an error message (all of the kept tail is in `context.stderr`). */
const MESSAGE_STDERR_CHARS = 6_000;
const STOP_DEADLINE_MS = 60_000;
/** Exit codes of read_with_spark.py. */
const EXIT_NO_PYSPARK = 3;

/**
 * The Python process of read_with_spark.py and its line protocol: one JSON message per line on
 * stdout, one request per line on stdin, one request at a time. Keeps the tail of stderr for errors.
 * Runs in a temp working directory (Spark's scratch and warehouse dirs), removed on stop.
 */
export class SparkProcess {
  private stderr = '';
  private exit: { code: number | null; signal: string | null } | undefined;
  private spawnError: NodeJS.ErrnoException | undefined;
  private waiter: { resolve: (message: Message) => void; reject: (error: SparkInteropError) => void } | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private readonly exited: Promise<void>;
  sparkVersion = '';

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly python: string,
    private readonly workdir: string,
  ) {
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-STDERR_TAIL_CHARS);
    });
    child.stdin.on('error', () => undefined); // EPIPE after Python died: reported through 'exit'
    createInterface({ input: child.stdout }).on('line', (line) => this.onLine(line));
    this.exited = new Promise((resolve) => {
      child.on('error', (error) => {
        this.spawnError = error;
        this.onExit(null, null);
        resolve();
      });
      child.on('exit', (code, signal) => {
        this.onExit(code, signal);
        resolve();
      });
    });
  }

  static async start(options: SparkProcessOptions): Promise<SparkProcess> {
    const workdir = await mkdtemp(join(tmpdir(), 'fluxo-spark-'));
    const child = spawn(options.python, [options.script, ...options.args], {
      cwd: workdir,
      env: { ...process.env, TZ: 'UTC', SPARK_LOCAL_IP: '127.0.0.1', PYSPARK_PYTHON: options.python },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const spark = new SparkProcess(child, options.python, workdir);
    try {
      const ready = await spark.next(options.startTimeoutMs, 'start');
      spark.sparkVersion = String(ready['spark']);
      return spark;
    } catch (error) {
      await spark.stop();
      throw error;
    }
  }

  /** Sends one request and returns its `ok` response; requests queue up, one at a time. */
  request(body: Readonly<Record<string, unknown>>, timeoutMs: number): Promise<Message> {
    const run = async (): Promise<Message> => {
      if (this.exit !== undefined) throw new SparkInteropError('SESSION_CLOSED', 'the Spark session is closed', { context: this.context() });
      const id = this.nextId++;
      const stderrBefore = this.stderr.length;
      const reply = this.next(timeoutMs, 'read');
      this.child.stdin.write(`${JSON.stringify({ id, ...body })}\n`);
      const response = await reply;
      if (response['ok'] === true) return response;
      const stderr = this.stderr.slice(Math.min(stderrBefore, this.stderr.length));
      const message = `Spark read failed: ${String(response['error'])}\n${String(response['traceback'])}\nstderr: ${tail(stderr)}`;
      throw new SparkInteropError('READ_FAILED', message, {
        context: { ...this.context(), stderr, files: body['files'] },
      });
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Closes stdin (Python stops Spark and exits), kills after a deadline, removes the work dir. */
  async stop(): Promise<void> {
    if (this.exit === undefined) {
      this.child.stdin.end();
      const killer = setTimeout(() => this.child.kill('SIGKILL'), STOP_DEADLINE_MS);
      await this.exited;
      clearTimeout(killer);
    }
    await rm(this.workdir, { recursive: true, force: true });
  }

  private next(timeoutMs: number, phase: 'start' | 'read'): Promise<Message> {
    return new Promise<Message>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        this.child.kill('SIGKILL');
        reject(new SparkInteropError('TIMEOUT', `Spark ${phase} took longer than ${timeoutMs} ms; stopped it\nstderr: ${tail(this.stderr)}`, { context: this.context() }));
      }, timeoutMs);
      this.waiter = {
        resolve: (message) => {
          clearTimeout(timer);
          resolve(message);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      if (this.exit !== undefined) this.onExit(this.exit.code, this.exit.signal);
    });
  }

  private onLine(line: string): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    let message: Message;
    try {
      message = JSON.parse(line) as Message;
    } catch {
      waiter?.reject(new SparkInteropError('READ_FAILED', `read_with_spark.py printed a line that is not JSON: ${line.slice(0, 200)}`, { context: this.context() }));
      return;
    }
    waiter?.resolve(message);
  }

  private onExit(code: number | null, signal: string | null): void {
    this.exit ??= { code, signal };
    const waiter = this.waiter;
    this.waiter = undefined;
    if (waiter === undefined) return;
    const [errorCode, why] = this.exitReason();
    waiter.reject(new SparkInteropError(errorCode, `${why}\nstderr: ${tail(this.stderr)}`, { context: this.context() }));
  }

  private exitReason(): [SparkInteropErrorCode, string] {
    if (this.spawnError !== undefined) {
      const code: SparkInteropErrorCode = this.spawnError.code === 'ENOENT' ? 'PYTHON_MISSING' : 'START_FAILED';
      return [code, `cannot run ${this.python}: ${this.spawnError.message}\n${PYSPARK_SETUP_HINT}`];
    }
    if (this.exit?.code === EXIT_NO_PYSPARK) return ['PYSPARK_MISSING', `${this.python} cannot import pyspark.\n${PYSPARK_SETUP_HINT}`];
    const how = this.exit?.signal != null ? `signal ${this.exit.signal}` : `exit code ${String(this.exit?.code)}`;
    return this.sparkVersion === '' ? ['START_FAILED', `Spark did not start (${how})`] : ['SESSION_CLOSED', `Spark's Python process ended (${how})`];
  }

  private context(): Record<string, unknown> {
    return { python: this.python, exitCode: this.exit?.code ?? null, signal: this.exit?.signal ?? null, stderr: this.stderr };
  }
}

function tail(text: string): string {
  const trimmed = text.trim();
  return trimmed.length <= MESSAGE_STDERR_CHARS ? trimmed : `…${trimmed.slice(-MESSAGE_STDERR_CHARS)}`;
}
