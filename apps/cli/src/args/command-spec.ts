import type { CliContext } from '../context';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** The value's name in help, e.g. `DURATION`. */
  readonly value?: string;
  readonly description: string;
}

/** What one command accepts, says about itself in `--help`, and does. */
export interface CommandSpec {
  /** `status`, `dead-letters list`, … */
  readonly name: string;
  readonly summary: string;
  /** Usage lines after `fluxo `, e.g. `reprocess <dataset> [--from DATE] [--to DATE]`. */
  readonly usage: readonly string[];
  readonly positionals: { readonly min: number; readonly max: number };
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Paragraphs explaining behaviour (what it reads, writes, and when it exits non-zero). */
  readonly details: readonly string[];
  /** Command lines after `fluxo `, each with a comment. */
  readonly examples: readonly (readonly [command: string, comment: string])[];
  readonly run: (context: CliContext, args: ParsedArgs) => Promise<number>;
}

export interface ParsedArgs {
  readonly positionals: readonly string[];
  readonly strings: ReadonlyMap<string, string>;
  readonly flags: ReadonlySet<string>;
}

/** Options every command understands. */
export const COMMON_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  help: { type: 'boolean', short: 'h', description: 'Show this help' },
  quiet: { type: 'boolean', short: 'q', description: 'No progress output on stderr' },
  verbose: { type: 'boolean', short: 'v', description: 'Log at debug level on stderr (FLUXO_LOG_LEVEL=debug)' },
};
