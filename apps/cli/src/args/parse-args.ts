import { CliError } from '../errors';
import { COMMON_OPTIONS, type CommandSpec, type OptionSpec, type ParsedArgs } from './command-spec';

/**
 * Parses the arguments after the command name against its spec. Every problem (unknown option,
 * missing value, value given to a flag, wrong number of arguments) is collected and reported in
 * one `USAGE` error. `--name=value` and `--name value` both work; `--` ends the options.
 */
export function parseArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  const options: Record<string, OptionSpec> = { ...COMMON_OPTIONS, ...spec.options };
  const byShort = new Map(Object.entries(options).flatMap(([name, option]) => (option.short === undefined ? [] : [[option.short, name] as const])));
  const problems: string[] = [];
  const positionals: string[] = [];
  const strings = new Map<string, string>();
  const flags = new Set<string>();
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] ?? '';
    if (arg === '--') {
      positionals.push(...argv.slice(index + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const long = arg.startsWith('--');
    const equals = arg.indexOf('=');
    const rawName = long ? arg.slice(2, equals < 0 ? undefined : equals) : arg.slice(1, 2);
    const name = long ? rawName : byShort.get(rawName);
    const option = name === undefined ? undefined : options[name];
    if (name === undefined || option === undefined || (!long && arg.length > 2)) {
      problems.push(`unknown option ${long ? `--${rawName}` : arg}${suggestion(rawName, Object.keys(options))}`);
      continue;
    }
    if (option.type === 'boolean') {
      if (long && equals >= 0) problems.push(`--${name} takes no value`);
      else flags.add(name);
      continue;
    }
    let value: string | undefined;
    if (long && equals >= 0) value = arg.slice(equals + 1);
    else if (index + 1 < argv.length && !(argv[index + 1] ?? '').startsWith('--')) value = argv[(index += 1)];
    if (value === undefined || value === '') problems.push(`--${name} needs a value${option.value === undefined ? '' : ` (${option.value})`}`);
    else strings.set(name, value);
  }
  const { min, max } = spec.positionals;
  if (!flags.has('help')) {
    if (positionals.length < min) problems.push(`${spec.name} needs ${min === max ? min : `at least ${min}`} argument${min === 1 ? '' : 's'}: fluxo ${spec.usage[0] ?? spec.name}`);
    if (positionals.length > max) problems.push(`unexpected argument${positionals.length - max === 1 ? '' : 's'}: ${positionals.slice(max).join(' ')}`);
  }
  if (problems.length > 0) {
    throw new CliError('USAGE', `fluxo ${spec.name}: ${problems.length === 1 ? problems[0] : `\n  - ${problems.join('\n  - ')}`}`, { hints: [`See \`fluxo ${spec.name} --help\`.`] });
  }
  return { positionals, strings, flags };
}

function suggestion(name: string, known: readonly string[]): string {
  const close = known.map((candidate) => ({ candidate, distance: editDistance(name, candidate) })).sort((a, b) => a.distance - b.distance)[0];
  return close === undefined || close.distance > Math.max(1, Math.floor(name.length / 3)) ? '' : ` (did you mean --${close.candidate}?)`;
}

/** Levenshtein distance, for "did you mean". */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)));
    previous = current;
  }
  return previous[b.length] ?? 0;
}
