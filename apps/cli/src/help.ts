import { CLI_SETTINGS } from '@fluxo/schema';
import { COMMON_OPTIONS, type CommandSpec, type OptionSpec } from './args/command-spec';

const EXIT_CODE_HELP: readonly (readonly [number, string])[] = [
  [0, 'done; `status`: healthy; `definitions check`: valid'],
  [1, '`status` unhealthy; `definitions check` found mistakes; `reprocess --strict` would keep rows it cannot rebuild'],
  [2, 'usage or configuration error (the message lists every problem)'],
  [3, 'Kafka, the catalog or DuckDB extensions unavailable: retry later'],
  [4, 'refused: unknown dataset or id, schema conflict, invalid SQL'],
  [5, 'internal error (a bug: report it with --verbose output)'],
  [130, 'interrupted (Ctrl-C); readers never see half a change'],
];

/** `fluxo --help`: commands, common options, exit codes and configuration. */
export function renderGeneralHelp(commands: readonly CommandSpec[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'fluxo — operate the pipeline from a terminal: status, dead letters, reprocessing, definitions, maintenance, queries.',
    '',
    'Usage: npx fluxo <command> [arguments] [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Every command: --help (with examples), --quiet (-q, no progress), --verbose (-v, debug logs on stderr).',
    'Results go to stdout, progress and logs to stderr. Commands that change data have --dry-run.',
    '',
    'Exit codes:',
    ...EXIT_CODE_HELP.map(([code, meaning]) => `  ${String(code).padStart(3)}  ${meaning}`),
    '',
    'Configuration: the same FLUXO_* environment variables as the apps (apps/cli/README.md has the table):',
    ...CLI_SETTINGS.filter((s) => !s.env.startsWith('FLUXO_KAFKA_SASL') && s.env !== 'FLUXO_INSTANCE_ID').map((s) => `  ${s.env}${s.default === undefined ? '' : `=${s.default}`}`),
    '',
    'Run `fluxo <command> --help` for a command’s options and examples.',
  ].join('\n');
}

/** `fluxo <command> --help`. */
export function renderCommandHelp(command: CommandSpec): string {
  const options = Object.entries({ ...command.options, ...COMMON_OPTIONS });
  const label = ([name, option]: readonly [string, OptionSpec]) => `${option.short === undefined ? '    ' : `-${option.short}, `}--${name}${option.value === undefined ? '' : ` ${option.value}`}`;
  const width = Math.max(...options.map((entry) => label(entry).length));
  return [
    `fluxo ${command.name} — ${command.summary}`,
    '',
    'Usage:',
    ...command.usage.map((line) => `  npx fluxo ${line}`),
    '',
    ...command.details.flatMap((paragraph) => [wrap(paragraph, 98, ''), '']),
    'Options:',
    ...options.map((entry) => `  ${label(entry).padEnd(width)}  ${entry[1].description}`),
    '',
    'Examples:',
    ...command.examples.flatMap(([line, comment]) => [`  npx fluxo ${line}`, `      # ${comment}`]),
    '',
    `Exit codes: ${EXIT_CODE_HELP.map(([code]) => code).join(', ')} (see \`fluxo --help\`).`,
  ].join('\n');
}

function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = indent;
  for (const word of text.split(/\s+/)) {
    if (line.length + word.length + 1 > width && line.trim() !== '') {
      lines.push(line.trimEnd());
      line = indent;
    }
    line += `${word} `;
  }
  if (line.trim() !== '') lines.push(line.trimEnd());
  return lines.join('\n');
}
