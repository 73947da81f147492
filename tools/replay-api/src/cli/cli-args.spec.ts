import { ReplayError } from '../errors';
import { parseCliArgs, parseFaultFlag } from './cli-args';

function problemsOf(argv: string[]): readonly string[] {
  try {
    parseCliArgs(argv);
  } catch (error: unknown) {
    if (error instanceof ReplayError) return error.problems;
    throw error;
  }
  return [];
}

describe('parseCliArgs', () => {
  it('reads every flag, in both --flag value and --flag=value forms', () => {
    const config = parseCliArgs([
      '--port=9000',
      '--host',
      '0.0.0.0',
      '--advance',
      'clock',
      '--step-ms',
      '500',
      '--sse-rate=0',
      '--heartbeat-ms',
      '1000',
      '--fault',
      'status-429:/earthquakes/:2:retryAfterS=5',
      '--fault=sse-garbage:/v2/stream/recentchange::variant=oversized,bytes=2048',
      '--log-level',
      'debug',
    ]);
    expect(config.options).toMatchObject({ port: 9000, host: '0.0.0.0', advance: 'clock', stepMs: 500, sse: { eventsPerSecond: 0, heartbeatMs: 1000 } });
    expect(config.options.faults).toEqual([
      { kind: 'status-429', path: '/earthquakes/', count: 2, retryAfterS: 5 },
      { kind: 'sse-garbage', path: '/v2/stream/recentchange', count: 1, afterEvents: 1, variant: 'oversized', bytes: 2048 },
    ]);
    expect(config.logLevel).toBe('debug');
  });

  it('defaults to port 8787', () => {
    expect(parseCliArgs([]).options.port).toBe(8787);
  });

  it('lists every problem at once', () => {
    expect(problemsOf(['--port', 'x', '--bogus', '--fault', 'explode:/x', '--step-ms', '--log-level', 'loud'])).toEqual([
      '--port must be a number (got "x")',
      'unknown argument "--bogus"',
      expect.stringContaining('--fault "explode:/x": kind must be one of'),
      '--step-ms needs a value',
      '--log-level must be one of debug, info, warn, error',
    ]);
  });

  it('applies the option rules after parsing', () => {
    expect(problemsOf(['--port', '70000', '--advance', 'sometimes', '--sse-rate', '-1'])).toEqual([
      'port must be an integer from 0 to 65535',
      'advance must be "per-request" or "clock"',
      'sse.eventsPerSecond must be a number >= 0 (0 = unpaced)',
    ]);
  });
});

describe('parseFaultFlag', () => {
  it('fills defaults', () => {
    expect(parseFaultFlag('slow:/v1/forecast')).toEqual({ kind: 'slow', path: '/v1/forecast', count: 1, delayMs: 1000 });
  });

  it('rejects malformed parameters', () => {
    expect(() => parseFaultFlag('slow:/v1:1:delayMs')).toThrow('parameter "delayMs" is not key=value');
  });
});
