/**
 * A small Dockerfile reader: enough structure (stages, instructions, flags) for static checks.
 * Not a full parser: no heredocs, no escape-directive other than the default backslash.
 */

export interface Instruction {
  /** Upper-case keyword: FROM, COPY, RUN... */
  readonly keyword: string;
  /** Everything after the keyword, continuation lines joined with a space. */
  readonly args: string;
  /** 1-based line where the instruction starts. */
  readonly line: number;
}

export interface Stage {
  /** `AS name`, or the stage index as a string when unnamed. */
  readonly name: string;
  /** The image after FROM, with `${ARG}` references left as written. */
  readonly from: string;
  readonly instructions: readonly Instruction[];
}

export interface Dockerfile {
  /** Instructions before the first FROM (global ARGs). */
  readonly preamble: readonly Instruction[];
  readonly stages: readonly Stage[];
}

export function parseDockerfile(text: string): Dockerfile {
  const instructions: Instruction[] = [];
  const lines = text.split(/\r?\n/);
  let pending: { keyword: string; parts: string[]; line: number } | undefined;
  lines.forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed.startsWith('#') || (trimmed === '' && pending === undefined)) return;
    const continued = trimmed.endsWith('\\');
    const body = continued ? trimmed.slice(0, -1).trim() : trimmed;
    if (pending === undefined) {
      const match = /^(\S+)\s*(.*)$/.exec(body);
      pending = { keyword: (match?.[1] ?? '').toUpperCase(), parts: [match?.[2] ?? ''], line: index + 1 };
    } else if (body !== '') {
      pending.parts.push(body);
    }
    if (!continued) {
      instructions.push({ keyword: pending.keyword, args: pending.parts.join(' ').trim(), line: pending.line });
      pending = undefined;
    }
  });

  const preamble: Instruction[] = [];
  const stages: { name: string; from: string; instructions: Instruction[] }[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const { positional } = splitFlags(instruction.args);
      const [image = '', as, name] = positional;
      stages.push({ name: as?.toUpperCase() === 'AS' && name !== undefined ? name : String(stages.length), from: image, instructions: [] });
    } else {
      (stages.at(-1)?.instructions ?? preamble).push(instruction);
    }
  }
  return { preamble, stages };
}

/** `--flag=value` / `--flag` options first, then positional words (JSON exec form is not split). */
export function splitFlags(args: string): { flags: Record<string, string>; positional: string[] } {
  const flags: Record<string, string> = {};
  const words = args.split(/\s+/).filter((word) => word !== '');
  let index = 0;
  for (; index < words.length; index += 1) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(words[index] ?? '');
    if (match?.[1] === undefined) break;
    flags[match[1]] = match[2] ?? 'true';
  }
  return { flags, positional: words.slice(index) };
}

/** Default values of ARGs declared before the first FROM (what `FROM ${NAME}` can use). */
export function globalArgDefaults(dockerfile: Dockerfile): Record<string, string> {
  const defaults: Record<string, string> = {};
  for (const instruction of dockerfile.preamble) {
    if (instruction.keyword !== 'ARG') continue;
    const [name = '', value] = instruction.args.split('=', 2);
    if (value !== undefined) defaults[name.trim()] = value.trim();
  }
  return defaults;
}

/** Replaces `${NAME}` / `$NAME` with the given values; unknown names are left in place. */
export function substituteArgs(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, braced?: string, bare?: string) => values[braced ?? bare ?? ''] ?? whole);
}

/** Names of every ARG declared anywhere in the file (global or per stage). */
export function declaredArgs(dockerfile: Dockerfile): Set<string> {
  const all = [...dockerfile.preamble, ...dockerfile.stages.flatMap((stage) => stage.instructions)];
  return new Set(all.filter((i) => i.keyword === 'ARG').map((i) => (i.args.split('=', 1)[0] ?? '').trim()));
}
