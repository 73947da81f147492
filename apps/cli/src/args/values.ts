import { CliError } from '../errors';
import type { ParsedArgs } from './command-spec';

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `90s`, `15m`, `2h`, `7d` → milliseconds; null when it is not a duration. */
export function parseDuration(text: string): number | null {
  const match = DURATION.exec(text.trim());
  if (match === null) return null;
  return Math.round(Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? 0));
}

/**
 * A point in time: an ISO date (`2026-03-01`, midnight UTC), an ISO date-time (offset required,
 * or UTC is assumed), or a duration meaning "that long ago" (`2h`). Null when it is none of these.
 */
export function parseTime(text: string, now: number): number | null {
  const ago = parseDuration(text);
  if (ago !== null) return now - ago;
  const value = text.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const ms = Date.parse(`${value}T00:00:00Z`);
    return Number.isNaN(ms) ? null : ms;
  }
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i.test(value)) {
    const ms = Date.parse(/(Z|[+-]\d{2}:?\d{2})$/i.test(value) ? value.replace(' ', 'T') : `${value.replace(' ', 'T')}Z`);
    return Number.isNaN(ms) ? null : ms;
  }
  return null;
}

/** Reads typed option values, collecting every problem before failing once. */
export class OptionReader {
  private readonly problems: string[] = [];

  constructor(
    private readonly command: string,
    private readonly args: ParsedArgs,
    private readonly now: number = Date.now(),
  ) {}

  flag(name: string): boolean {
    return this.args.flags.has(name);
  }

  string(name: string): string | undefined {
    return this.args.strings.get(name);
  }

  /** One of `choices`, or `fallback`. */
  choice<T extends string>(name: string, choices: readonly T[], fallback: T): T {
    const value = this.args.strings.get(name);
    if (value === undefined) return fallback;
    if ((choices as readonly string[]).includes(value)) return value as T;
    this.problems.push(`--${name} must be one of ${choices.join(', ')} (got ${JSON.stringify(value)})`);
    return fallback;
  }

  integer(name: string, options: { readonly min?: number; readonly max?: number } = {}): number | undefined {
    const value = this.args.strings.get(name);
    if (value === undefined) return undefined;
    const number = /^-?\d+$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(number) || number < (options.min ?? Number.MIN_SAFE_INTEGER) || number > (options.max ?? Number.MAX_SAFE_INTEGER)) {
      this.problems.push(`--${name} must be an integer${options.min === undefined ? '' : ` ≥ ${options.min}`}${options.max === undefined ? '' : ` ≤ ${options.max}`} (got ${JSON.stringify(value)})`);
      return undefined;
    }
    return number;
  }

  duration(name: string): number | undefined {
    const value = this.args.strings.get(name);
    if (value === undefined) return undefined;
    const ms = parseDuration(value);
    if (ms === null) this.problems.push(`--${name} must be a duration like 90s, 15m, 2h or 7d (got ${JSON.stringify(value)})`);
    return ms ?? undefined;
  }

  /** A time: ISO date or date-time, or "that long ago" (`2h`). */
  time(name: string): number | undefined {
    const value = this.args.strings.get(name);
    if (value === undefined) return undefined;
    const ms = parseTime(value, this.now);
    if (ms === null) this.problems.push(`--${name} must be a date (2026-03-01), a date-time (2026-03-01T12:00Z) or a duration ago (2h) (got ${JSON.stringify(value)})`);
    return ms ?? undefined;
  }

  /** A UTC day `YYYY-MM-DD` (returned as midnight UTC in ms). */
  date(name: string): number | undefined {
    const value = this.args.strings.get(name);
    if (value === undefined) return undefined;
    const ms = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : NaN;
    if (Number.isNaN(ms)) this.problems.push(`--${name} must be a UTC date like 2026-03-01 (got ${JSON.stringify(value)})`);
    return Number.isNaN(ms) ? undefined : ms;
  }

  /** Adds a problem found by the command itself (e.g. two options that exclude each other). */
  problem(message: string): void {
    this.problems.push(message);
  }

  /** Throws one `USAGE` error listing every problem, if there were any. */
  done(): void {
    if (this.problems.length === 0) return;
    throw new CliError('USAGE', `fluxo ${this.command}: ${this.problems.length === 1 ? this.problems[0] : `\n  - ${this.problems.join('\n  - ')}`}`, {
      hints: [`See \`fluxo ${this.command} --help\`.`],
    });
  }
}
