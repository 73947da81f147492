import { spawn } from 'node:child_process';
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { artifactsDir, WORKSPACE_ROOT } from '@fluxo/e2e-harness';

const ARTIFACTS_DIR = artifactsDir('e2e');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the built CLI (`dist/apps/cli/main.cjs`) as a process with the pipeline's environment, as an
 * operator would run `npx fluxo …`; its output is kept under test-artifacts/e2e/<label>-cli.log.
 */
export async function fluxo(args: readonly string[], env: Record<string, string>, label = 'cli'): Promise<CliResult> {
  const child = spawn(process.execPath, [join(WORKSPACE_ROOT, 'dist', 'apps', 'cli', 'main.cjs'), ...args], {
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.once('close', (exit) => resolve(exit)));
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  await appendFile(join(ARTIFACTS_DIR, `${label}-cli.log`), `$ fluxo ${args.join(' ')}\n[exit ${code}]\n${stdout}\n${stderr}\n`);
  return { code, stdout, stderr };
}

/** `fluxo … --json`, parsed; fails with the output when the command did not print JSON. */
export async function fluxoJson<T>(args: readonly string[], env: Record<string, string>, label = 'cli'): Promise<{ readonly code: number | null; readonly value: T }> {
  const result = await fluxo([...args, '--json'], env, label);
  try {
    return { code: result.code, value: JSON.parse(result.stdout) as T };
  } catch {
    throw new Error(`fluxo ${args.join(' ')} printed no JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
}
