import pino from 'pino';
import type { Logger, LogLevel } from '@fluxo/schema';
import type { CommandSpec } from './args/command-spec';
import { parseArgs } from './args/parse-args';
import { COMMANDS } from './commands/registry';
import { CliContext, type CliIo } from './context';
import { CliError, EXIT, toCliError } from './errors';
import { renderCommandHelp, renderGeneralHelp } from './help';
import { Progress } from './output/progress';

const VERSION = '0.2.0';

export interface RunOptions {
  /** Fires on Ctrl-C: commands stop at the next safe point. */
  readonly signal?: AbortSignal;
  /** The logger (default: pino on stderr at FLUXO_LOG_LEVEL, `warn` unless set; `--verbose`: debug). */
  readonly logger?: (level: LogLevel) => Logger;
}

/**
 * Runs one `fluxo` command line and resolves with its exit code; never throws and never exits
 * the process (main.ts does). Errors are printed on stderr with their hints.
 */
export async function runCli(argv: readonly string[], io: CliIo, options: RunOptions = {}): Promise<number> {
  const [first, second] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    const named = first === 'help' && second !== undefined ? findCommand([second, ...argv.slice(2)]) : undefined;
    io.stdout.write(`${named === undefined ? renderGeneralHelp(COMMANDS) : renderCommandHelp(named.command)}\n`);
    return first === undefined ? EXIT.usage : EXIT.ok;
  }
  if (first === '--version' || first === '-V') {
    io.stdout.write(`fluxo ${VERSION}\n`);
    return EXIT.ok;
  }
  const found = findCommand(argv);
  if (found === undefined) {
    const group = COMMANDS.filter((c) => c.name.startsWith(`${first} `));
    const message =
      group.length > 0
        ? `fluxo ${first}: say what to do: ${group.map((c) => c.name.slice(first.length + 1)).join(', ')}${second === undefined || second.startsWith('-') ? '' : ` (not "${second}")`}`
        : `fluxo: unknown command "${first}" (commands: ${[...new Set(COMMANDS.map((c) => c.name.split(' ')[0]))].join(', ')})`;
    io.stderr.write(`${message}\nSee \`fluxo --help\`.\n`);
    return EXIT.usage;
  }
  const { command, rest } = found;
  let context: CliContext | undefined;
  try {
    const args = parseArgs(command, rest);
    if (args.flags.has('help')) {
      io.stdout.write(`${renderCommandHelp(command)}\n`);
      return EXIT.ok;
    }
    const config = CliContext.loadConfig(io.env, args.flags.has('verbose') ? { FLUXO_LOG_LEVEL: 'debug' } : {});
    const makeLogger = options.logger ?? stderrLogger;
    const logger = makeLogger(config.logLevel);
    const progress = new Progress(io.stderr, { enabled: !args.flags.has('quiet') });
    context = new CliContext(config, logger, io, progress, options.signal ?? new AbortController().signal, makeLogger(args.flags.has('verbose') ? 'debug' : 'error'));
    return await command.run(context, args);
  } catch (error) {
    const failure = options.signal?.aborted === true ? new CliError('INTERRUPTED', 'Interrupted.', { cause: error }) : toCliError(error);
    io.stderr.write(`${failure.code === 'INTERNAL' ? 'fluxo: internal error: ' : ''}${failure.message}\n${failure.hints.map((hint) => `  hint: ${hint}\n`).join('')}`);
    if (failure.code === 'INTERNAL' && failure.cause instanceof Error && failure.cause.stack !== undefined) io.stderr.write(`${failure.cause.stack}\n`);
    return failure.exitCode;
  } finally {
    await context?.close().catch(() => undefined);
  }
}

function findCommand(argv: readonly string[]): { command: CommandSpec; rest: readonly string[] } | undefined {
  const [first, second] = argv;
  const pair = COMMANDS.find((c) => c.name === `${first} ${second}`);
  if (pair !== undefined) return { command: pair, rest: argv.slice(2) };
  const single = COMMANDS.find((c) => c.name === first);
  return single === undefined ? undefined : { command: single, rest: argv.slice(1) };
}

function stderrLogger(level: LogLevel): Logger {
  return pino({ name: 'fluxo', level, base: { app: 'cli' } }, pino.destination(2));
}
