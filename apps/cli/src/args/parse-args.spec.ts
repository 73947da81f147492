import type { CommandSpec } from './command-spec';
import { parseArgs } from './parse-args';
import { OptionReader, parseDuration, parseTime } from './values';

const SPEC: CommandSpec = {
  name: 'demo',
  summary: 'demo',
  usage: ['demo <name>'],
  positionals: { min: 1, max: 1 },
  options: { since: { type: 'string', value: 'TIME', description: '' }, json: { type: 'boolean', description: '' }, limit: { type: 'string', short: 'n', description: '' } },
  details: [],
  examples: [],
  run: () => Promise.resolve(0),
};

describe('argument parsing', () => {
  it('reads flags, values (both spellings), short options and positionals', () => {
    const args = parseArgs(SPEC, ['x', '--json', '--since=2h', '-n', '5', '-q']);
    expect(args.positionals).toEqual(['x']);
    expect([...args.flags].sort()).toEqual(['json', 'quiet']);
    expect(Object.fromEntries(args.strings)).toEqual({ since: '2h', limit: '5' });
  });

  it('lists every problem at once', () => {
    expect(() => parseArgs(SPEC, ['a', 'b', '--jsn', '--since', '--json=yes'])).toThrow(
      /unknown option --jsn \(did you mean --json\?\)[\s\S]*--since needs a value \(TIME\)[\s\S]*--json takes no value[\s\S]*unexpected argument: b/,
    );
  });

  it('does not ask for arguments when help is wanted', () => {
    expect(parseArgs(SPEC, ['--help']).flags.has('help')).toBe(true);
  });
});

describe('option values', () => {
  const NOW = Date.parse('2026-03-20T12:00:00Z');

  it('durations and times', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    expect(parseDuration('soon')).toBeNull();
    expect(parseTime('2h', NOW)).toBe(NOW - 7_200_000);
    expect(parseTime('2026-03-01', NOW)).toBe(Date.parse('2026-03-01T00:00:00Z'));
    expect(parseTime('2026-03-01T12:30', NOW)).toBe(Date.parse('2026-03-01T12:30:00Z'));
    expect(parseTime('2026-03-01T12:30+02:00', NOW)).toBe(Date.parse('2026-03-01T10:30:00Z'));
    expect(parseTime('yesterday', NOW)).toBeNull();
  });

  it('typed reads collect problems and fail once', () => {
    const reader = new OptionReader('demo', parseArgs(SPEC, ['x', '--since', 'later', '--limit', '-3x']), NOW);
    expect(reader.time('since')).toBeUndefined();
    expect(reader.integer('limit', { min: 1 })).toBeUndefined();
    expect(() => reader.done()).toThrow(/--since must be a date[\s\S]*--limit must be an integer ≥ 1/);
  });
});
