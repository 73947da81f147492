import type { PlainValue } from '@fluxo/parquet-io';

/** Writes result rows in one text format, chunk by chunk (results never have to fit in memory). */
export interface RowWriter {
  begin(columns: readonly string[]): string;
  rows(rows: readonly (readonly PlainValue[])[]): string;
  end(): string;
}

export type TextFormat = 'csv' | 'json' | 'jsonl';

export function rowWriter(format: TextFormat): RowWriter {
  switch (format) {
    case 'csv':
      return csvWriter();
    case 'json':
      return jsonWriter(false);
    case 'jsonl':
      return jsonWriter(true);
  }
}

/** RFC 4180: a header line, fields quoted when they hold a comma, quote or line break; NULL is empty. */
function csvWriter(): RowWriter {
  return {
    begin: (columns) => `${columns.map(csvField).join(',')}\r\n`,
    rows: (rows) => rows.map((row) => `${row.map((value) => csvField(value === null ? '' : cellText(value))).join(',')}\r\n`).join(''),
    end: () => '',
  };
}

/** A JSON array of objects (`json`) or one object per line (`jsonl`); BLOBs as base64. */
function jsonWriter(lines: boolean): RowWriter {
  let columns: readonly string[] = [];
  let first = true;
  return {
    begin: (names) => {
      columns = names;
      return lines ? '' : '[';
    },
    rows: (rows) =>
      rows
        .map((row) => {
          const text = JSON.stringify(Object.fromEntries(columns.map((name, index) => [name, jsonValue(row[index] ?? null)])));
          const out = lines ? `${text}\n` : `${first ? '\n' : ',\n'}${text}`;
          first = false;
          return out;
        })
        .join(''),
    end: () => (lines ? '' : `${first ? '' : '\n'}]\n`),
  };
}

/** A cell as text for tables and CSV: strings as they are, nested values as JSON, BLOBs as base64. */
export function cellText(value: PlainValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(jsonValue(value));
}

function jsonValue(value: PlainValue): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map((item: PlainValue) => jsonValue(item));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, jsonValue(item as PlainValue)]));
  return value;
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
