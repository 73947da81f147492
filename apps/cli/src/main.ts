import { describeError } from '@fluxo/schema';
import { runCli } from './cli';
import { EXIT } from './errors';

/**
 * Composition root of `fluxo`: process streams, environment and Ctrl-C in, exit code out. The
 * first Ctrl-C asks the command to stop at its next safe point (nothing half-done becomes visible);
 * a second one exits at once.
 */
async function main(): Promise<number> {
  const interrupt = new AbortController();
  process.on('SIGINT', () => {
    if (interrupt.signal.aborted) process.exit(EXIT.interrupted);
    process.stderr.write('\nstopping at the next safe point (Ctrl-C again to quit at once)…\n');
    interrupt.abort();
  });
  return runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() }, { signal: interrupt.signal });
}

main().then(
  (code) => {
    // Let stdout drain (large results piped to another program) before exiting.
    process.exitCode = code;
    setImmediate(() => process.exit(code)).unref();
  },
  (error: unknown) => {
    process.stderr.write(`fluxo: internal error: ${describeError(error)}\n`);
    process.exit(EXIT.internal);
  },
);
