/** Fills in option defaults and validates them, failing once with every problem listed. */
import { silentLogger } from '@fluxo/schema';
import { defaultFixturesDir } from './default-fixtures-dir';
import { ReplayError, throwIfProblems } from './errors';
import { parseFaultSpec } from './fault-spec';
import { type ReplayServerOptions, type ResolvedOptions } from './types';

export const DEFAULTS = {
  host: '127.0.0.1',
  port: 0,
  advance: 'per-request',
  stepMs: 10_000,
  eventsPerSecond: 10,
  heartbeatMs: 15_000,
} as const;

function isInt(value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

export function resolveOptions(options: ReplayServerOptions = {}): ResolvedOptions {
  const resolved: ResolvedOptions = {
    host: options.host ?? DEFAULTS.host,
    port: options.port ?? DEFAULTS.port,
    fixturesDir: options.fixturesDir ?? defaultFixturesDir(),
    advance: options.advance ?? DEFAULTS.advance,
    stepMs: options.stepMs ?? DEFAULTS.stepMs,
    sse: {
      eventsPerSecond: options.sse?.eventsPerSecond ?? DEFAULTS.eventsPerSecond,
      heartbeatMs: options.sse?.heartbeatMs ?? DEFAULTS.heartbeatMs,
    },
    faults: [],
    logger: options.logger ?? silentLogger,
  };
  const problems: string[] = [];
  if (typeof resolved.host !== 'string' || resolved.host === '') problems.push('host must be a non-empty string');
  if (!isInt(resolved.port, 0, 65_535)) problems.push('port must be an integer from 0 to 65535');
  if (typeof resolved.fixturesDir !== 'string' || resolved.fixturesDir === '') problems.push('fixturesDir must be a path');
  if (resolved.advance !== 'per-request' && resolved.advance !== 'clock') problems.push('advance must be "per-request" or "clock"');
  if (!isInt(resolved.stepMs, 1)) problems.push('stepMs must be an integer >= 1');
  const rate = resolved.sse.eventsPerSecond;
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0) problems.push('sse.eventsPerSecond must be a number >= 0 (0 = unpaced)');
  if (!isInt(resolved.sse.heartbeatMs, 0)) problems.push('sse.heartbeatMs must be an integer >= 0 (0 = off)');
  (options.faults ?? []).forEach((fault, index) => {
    try {
      resolved.faults.push(parseFaultSpec(fault));
    } catch (error: unknown) {
      if (!(error instanceof ReplayError)) throw error;
      problems.push(...error.problems.map((p) => `faults[${index}]: ${p}`));
    }
  });
  throwIfProblems('INVALID_OPTIONS', 'invalid replay server options', problems);
  return resolved;
}
