/**
 * Command-line arguments of the replay server, validated in one pass: every problem is listed.
 */
import { ReplayError, throwIfProblems } from '../errors';
import { parseFaultSpec } from '../fault-spec';
import { DEFAULTS, resolveOptions } from '../options';
import { type FaultSpec, type ReplayServerOptions } from '../types';

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface CliConfig {
  options: Omit<ReplayServerOptions, 'logger'>;
  logLevel: LogLevel;
  help: boolean;
}

export const USAGE = `Usage: node dist/tools/replay-api/main.cjs [options]

  --host <host>            interface to bind (default ${DEFAULTS.host})
  --port <n>               port, 0 = ephemeral (default 8787)
  --advance <mode>         per-request | clock (default ${DEFAULTS.advance})
  --step-ms <n>            clock mode: ms between recorded responses (default ${DEFAULTS.stepMs})
  --sse-rate <n>           SSE events per second per connection, 0 = unpaced (default ${DEFAULTS.eventsPerSecond})
  --heartbeat-ms <n>       SSE ":ok" heartbeat interval, 0 = off (default ${DEFAULTS.heartbeatMs})
  --fixtures-dir <path>    recordings folder (default: the fixtures shipped with the tool)
  --fault <spec>           queue a fault, repeatable: <kind>:<path>[:<count>[:<key>=<value>,...]]
                           e.g. status-429:/earthquakes/:2:retryAfterS=5   sse-drop-after:/v2/stream/:1:events=3
  --log-level <level>      ${LOG_LEVELS.join(' | ')} (default info)
  --help                   print this help
`;

const VALUE_FLAGS = ['host', 'port', 'advance', 'step-ms', 'sse-rate', 'heartbeat-ms', 'fixtures-dir', 'fault', 'log-level'] as const;
type ValueFlag = (typeof VALUE_FLAGS)[number];

function isValueFlag(name: string): name is ValueFlag {
  return (VALUE_FLAGS as readonly string[]).includes(name);
}

function numberFlag(flag: string, raw: string, problems: string[]): number | undefined {
  const value = raw.trim() === '' ? Number.NaN : Number(raw);
  if (Number.isFinite(value)) return value;
  problems.push(`--${flag} must be a number (got "${raw}")`);
  return undefined;
}

/** `<kind>:<path>[:<count>[:k=v,...]]` → a fault object (validated by `parseFaultSpec`). */
export function parseFaultFlag(text: string): FaultSpec {
  const [kind, path, count, params, ...rest] = text.split(':');
  const input: Record<string, unknown> = { kind, path };
  const problems: string[] = [];
  if (rest.length > 0) problems.push('too many ":" separated parts');
  if (count !== undefined && count !== '') input['count'] = Number(count);
  for (const pair of params === undefined || params === '' ? [] : params.split(',')) {
    const [key, value] = pair.split('=');
    if (key === undefined || key === '' || value === undefined) {
      problems.push(`parameter "${pair}" is not key=value`);
      continue;
    }
    input[key] = value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : value;
  }
  try {
    const fault = parseFaultSpec(input);
    throwIfProblems('INVALID_FAULT', 'invalid fault', problems);
    return fault;
  } catch (error: unknown) {
    if (!(error instanceof ReplayError)) throw error;
    throwIfProblems('INVALID_FAULT', 'invalid fault', [...problems, ...error.problems]);
    throw error;
  }
}

export function parseCliArgs(argv: readonly string[]): CliConfig {
  const problems: string[] = [];
  const options: CliConfig['options'] = { port: 8787 };
  const faults: FaultSpec[] = [];
  let logLevel: LogLevel = 'info';
  let help = false;

  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    const match = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    const name = match?.[1];
    if (name === undefined || !isValueFlag(name)) {
      problems.push(`unknown argument "${arg}"`);
      continue;
    }
    let value = match?.[2];
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) {
        problems.push(`--${name} needs a value`);
        continue;
      }
      value = next;
      i += 1;
    }
    switch (name) {
      case 'host':
        options.host = value;
        break;
      case 'fixtures-dir':
        options.fixturesDir = value;
        break;
      case 'advance':
        options.advance = value as 'per-request' | 'clock';
        break;
      case 'port':
        options.port = numberFlag(name, value, problems);
        break;
      case 'step-ms':
        options.stepMs = numberFlag(name, value, problems);
        break;
      case 'sse-rate':
        options.sse = { ...options.sse, eventsPerSecond: numberFlag(name, value, problems) };
        break;
      case 'heartbeat-ms':
        options.sse = { ...options.sse, heartbeatMs: numberFlag(name, value, problems) };
        break;
      case 'log-level':
        if ((LOG_LEVELS as readonly string[]).includes(value)) logLevel = value as LogLevel;
        else problems.push(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
        break;
      case 'fault':
        try {
          faults.push(parseFaultFlag(value));
        } catch (error: unknown) {
          if (!(error instanceof ReplayError)) throw error;
          problems.push(...error.problems.map((p) => `--fault "${value}": ${p}`));
        }
        break;
    }
  }
  if (faults.length > 0) options.faults = faults;
  if (problems.length === 0) {
    try {
      resolveOptions(options);
    } catch (error: unknown) {
      if (!(error instanceof ReplayError)) throw error;
      problems.push(...error.problems);
    }
  }
  throwIfProblems('INVALID_CLI_ARGS', 'invalid arguments', problems);
  return { options, logLevel, help };
}
