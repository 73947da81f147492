import { silentLogger } from '@fluxo/schema';
import { runCli } from '../cli';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs one `fluxo` command line in-process with captured output (not a terminal) and the given environment. */
export async function runFluxo(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}, cwd = process.cwd()): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(
    argv,
    { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) }, env, cwd },
    { logger: () => silentLogger },
  );
  return { code, stdout, stderr };
}
