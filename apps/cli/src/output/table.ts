import { oneLine, truncate } from './format';

export type Align = 'left' | 'right';

export interface TableOptions {
  /** Per column; numbers right-aligned by default when every value looks numeric. */
  readonly align?: readonly Align[];
  /** Total width to fit (the terminal's); the widest columns are cut first. Unset: no limit. */
  readonly width?: number;
  /** Spaces before each line. */
  readonly indent?: number;
}

/**
 * A plain-text table: a header, a rule, the rows; columns padded to their widest cell, cells on one
 * line, cut with `…` to fit the width. No colours, no box drawing: copy-paste and `grep` friendly.
 */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[], options: TableOptions = {}): string {
  const cells = [header, ...rows].map((row) => header.map((_, index) => oneLine(row[index] ?? '')));
  const widths = header.map((_, index) => Math.max(...cells.map((row) => (row[index] ?? '').length)));
  const indent = ' '.repeat(options.indent ?? 0);
  if (options.width !== undefined) fit(widths, options.width - indent.length - 2 * (widths.length - 1));
  const align = header.map((_, index) => options.align?.[index] ?? (rows.length > 0 && rows.every((row) => /^-?[\d,.]+( [A-Za-z%]+)?$|^–$/.test(row[index] ?? '')) ? 'right' : 'left'));
  const line = (row: readonly string[]) =>
    indent +
    row
      .map((cell, index) => {
        const width = widths[index] ?? 0;
        const text = truncate(cell, width);
        return align[index] === 'right' ? text.padStart(width) : text.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  const [head, ...body] = cells;
  return [line(head ?? []), indent + widths.map((width) => '─'.repeat(width)).join('  '), ...body.map(line)].join('\n');
}

/** Shrinks the widest columns until the total fits (never below 6 characters). */
function fit(widths: number[], total: number): void {
  for (;;) {
    const sum = widths.reduce((a, b) => a + b, 0);
    if (sum <= total) return;
    let widest = 0;
    widths.forEach((width, index) => {
      if (width > (widths[widest] ?? 0)) widest = index;
    });
    const current = widths[widest] ?? 0;
    if (current <= 6) return;
    widths[widest] = Math.max(6, current - (sum - total));
  }
}
