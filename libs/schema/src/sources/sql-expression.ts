/**
 * The structural check of a definition's `expr` (a DuckDB expression spliced into the curated
 * SELECT): it must be ONE expression over the raw columns — never a statement, a subquery, a
 * comment, or a function that touches files, the network, settings or the environment.
 *
 * The check tokenizes the text the way DuckDB does for everything that can hide a statement
 * (single-quoted strings with `''`, double-quoted identifiers with `""`, comments, `;`) and
 * refuses, conservatively, what it cannot read unambiguously: comments, `;`, `$` (dollar-quoted
 * strings, parameters), `?`, prefixed strings (`E'…'`, whose backslash escapes would end the
 * string elsewhere), unbalanced brackets and commas at the top level. Identifiers, quoted or not,
 * are checked against DENIED_SQL_KEYWORDS and DENIED_SQL_FUNCTIONS (plus DENIED_SQL_PREFIXES).
 * `FROM` is accepted only directly inside `extract(…)`, `substring(…)`, `trim(…)`, `overlay(…)` and
 * `position(…)`, where it is part of the function's syntax, not a table reference.
 *
 * The engine must still parse the expression and run without external access (defence in depth,
 * see docs/security.md); this check is what lets a bad definition fail at load time with a clear
 * message instead of on every file.
 */

/** Statement and subquery keywords: none of them can appear in a single scalar expression. */
const DENIED_SQL_KEYWORDS: readonly string[] = [
  'select', 'insert', 'update', 'delete', 'merge', 'create', 'drop', 'alter', 'truncate', 'attach', 'detach', 'copy',
  'install', 'load', 'force', 'pragma', 'set', 'reset', 'call', 'export', 'import', 'vacuum', 'checkpoint', 'begin',
  'commit', 'rollback', 'abort', 'use', 'describe', 'show', 'summarize', 'explain', 'table', 'values', 'pivot',
  'unpivot', 'into', 'returning', 'grant', 'revoke', 'prepare', 'execute', 'deallocate', 'listen', 'notify',
];

/** Functions that read or write files or the network, expose settings, secrets or the environment, or change the row count. */
export const DENIED_SQL_FUNCTIONS: readonly string[] = [
  'glob', 'read_csv', 'read_csv_auto', 'read_json', 'read_json_auto', 'read_json_objects', 'read_ndjson', 'read_ndjson_auto',
  'read_ndjson_objects', 'read_parquet', 'read_text', 'read_blob', 'read_xlsx', 'parquet_scan', 'sniff_csv', 'query',
  'query_table', 'getenv', 'current_setting', 'getvariable', 'which_secret', 'json_execute_serialized_sql',
  'json_serialize_sql', 'json_deserialize_sql', 'json_serialize_plan', 'unnest', 'columns', 'range', 'generate_series',
  'repeat_row', 'sqlite_scan', 'postgres_scan', 'postgres_query', 'postgres_execute', 'mysql_query', 'iceberg_scan',
  'delta_scan', 'load_aws_credentials', 'enable_logging', 'disable_logging', 'truncate_duckdb_logs', 'test_all_types',
];

/** Families of functions denied by prefix (file readers, catalog and engine internals, extensions' scanners). */
const DENIED_SQL_PREFIXES: readonly string[] = [
  'read_', 'parquet_', 'duckdb_', 'pragma_', 'sqlite_', 'postgres_', 'mysql_', 'iceberg_', 'delta_', 'ducklake_', 'http', 's3_',
  'json_execute', 'icu_', 'fts_', 'sql_',
];

/** Functions whose syntax contains `FROM` (`extract(year FROM t)`, `trim(both 'x' FROM s)`). */
const FROM_FUNCTIONS: ReadonlySet<string> = new Set(['extract', 'substring', 'trim', 'overlay', 'position']);
const IDENTIFIER_START = /[A-Za-z_]/;
const IDENTIFIER_PART = /[A-Za-z0-9_]/;
const ALLOWED_PUNCTUATION = new Set([...'+-*/%<>=!|&~^@#.,:()[]{}']);
const OPENING: Readonly<Record<string, string>> = { '(': ')', '[': ']', '{': '}' };

/** Problems of an `expr`, one sentence each; empty when it is one expression. */
export function sqlExpressionProblems(expr: string): string[] {
  const problems = new Set<string>();
  const denied = new Set(DENIED_SQL_FUNCTIONS);
  const keywords = new Set(DENIED_SQL_KEYWORDS);
  /** Open brackets, each with the identifier just before it (a call) or undefined. */
  const stack: { close: string; call: string | undefined }[] = [];
  let previousIdentifier: string | undefined;
  let i = 0;
  const checkIdentifier = (name: string): void => {
    const lower = name.toLowerCase();
    if (keywords.has(lower)) problems.add(`"${name}" is a statement keyword: expr must be one expression, not a statement or subquery`);
    else if (denied.has(lower) || DENIED_SQL_PREFIXES.some((prefix) => lower.startsWith(prefix))) {
      problems.add(`"${name}" is not allowed in expr (it reads files or the network, exposes settings or the environment, or changes the row count)`);
    } else if (lower === 'from' && !FROM_FUNCTIONS.has(stack[stack.length - 1]?.call ?? '')) {
      problems.add('"FROM" is only allowed inside extract(), substring(), trim(), overlay() or position(): expr must not read a table');
    }
  };
  while (i < expr.length) {
    const char = expr[i] ?? '';
    const next = expr[i + 1] ?? '';
    if (/\s/.test(char)) {
      i += 1;
      continue;
    }
    if ((char === '-' && next === '-') || (char === '/' && next === '*')) {
      problems.add('comments are not allowed in expr');
      break; // what follows may be anything
    }
    if (char === "'") {
      if (i > 0 && /[A-Za-z0-9_&]/.test(expr[i - 1] ?? '')) problems.add("prefixed string literals (E'…', X'…', U&'…') are not allowed in expr");
      const end = closingQuote(expr, i, "'");
      if (end < 0) {
        problems.add('expr has an unterminated string literal');
        break;
      }
      i = end + 1;
      previousIdentifier = undefined;
      continue;
    }
    if (char === '"') {
      const end = closingQuote(expr, i, '"');
      if (end < 0) {
        problems.add('expr has an unterminated quoted identifier');
        break;
      }
      const name = expr.slice(i + 1, end).replace(/""/g, '"');
      checkIdentifier(name);
      previousIdentifier = name.toLowerCase();
      i = end + 1;
      continue;
    }
    if (IDENTIFIER_START.test(char)) {
      let end = i + 1;
      while (end < expr.length && IDENTIFIER_PART.test(expr[end] ?? '')) end += 1;
      const name = expr.slice(i, end);
      checkIdentifier(name);
      previousIdentifier = name.toLowerCase();
      i = end;
      continue;
    }
    if (/[0-9]/.test(char)) {
      while (i < expr.length && /[0-9A-Za-z_.]/.test(expr[i] ?? '')) i += 1;
      previousIdentifier = undefined;
      continue;
    }
    if (char === ';') problems.add("';' is not allowed: expr must be one expression, not statements");
    else if (char === '$' || char === '?') problems.add(`"${char}" is not allowed in expr (parameters and dollar-quoted strings)`);
    else if (!ALLOWED_PUNCTUATION.has(char)) problems.add(`unexpected character ${JSON.stringify(char)} in expr`);
    else if (OPENING[char] !== undefined) stack.push({ close: OPENING[char] ?? '', call: char === '(' ? previousIdentifier : undefined });
    else if (char === ')' || char === ']' || char === '}') {
      if (stack.pop()?.close !== char) problems.add('expr has unbalanced brackets');
    } else if (char === ',' && stack.length === 0) problems.add('expr must be one expression: a comma at the top level separates several');
    previousIdentifier = undefined;
    i += 1;
  }
  if (stack.length > 0) problems.add('expr has unbalanced brackets');
  if (expr.trim() === '') problems.add('expr is empty');
  return [...problems];
}

/**
 * Functions of Spark SQL that reach the JVM or the files read, or change the row count: denied in
 * the `spark` form of an `expr` on top of everything `sqlExpressionProblems` denies.
 */
const DENIED_SPARK_FUNCTIONS: readonly string[] = [
  'reflect', 'java_method', 'try_reflect', 'explode', 'explode_outer', 'posexplode', 'posexplode_outer', 'inline',
  'inline_outer', 'stack', 'json_tuple', 'input_file_name', 'input_file_block_start', 'input_file_block_length',
  'current_user', 'session_user', 'user', 'spark_partition_id', 'secret',
];

/**
 * Problems of the Spark form of an `expr`: those of `sqlExpressionProblems`, plus Spark's own
 * deny-list, and no backslash — Spark reads backslash escapes inside string literals, so the
 * check's reading of where a string ends would no longer be Spark's.
 */
export function sparkExpressionProblems(expr: string): string[] {
  const problems = sqlExpressionProblems(expr);
  if (expr.includes('\\')) problems.push('a backslash is not allowed in a Spark expr (Spark reads it as an escape inside strings)');
  const denied = new Set(DENIED_SPARK_FUNCTIONS);
  const outsideStrings = expr.replace(/'(?:[^']|'')*'/g, "''");
  for (const match of outsideStrings.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)) {
    if (denied.has(match[0].toLowerCase())) problems.push(`"${match[0]}" is not allowed in a Spark expr (it reaches the JVM or the files read, or changes the row count)`);
  }
  return [...new Set(problems)];
}

/** Index of the quote closing the literal opened at `start` (doubled quotes escape), or -1. */
function closingQuote(text: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === quote) {
      if (text[i + 1] === quote) i += 2;
      else return i;
    } else i += 1;
  }
  return -1;
}

/**
 * Column names of curated datasets: lowercase SQL identifiers (a letter or `_` first, then
 * letters, digits or `_`), so they read the same quoted or not in every engine and in Parquet.
 */
export const COLUMN_NAME_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;
export const COLUMN_NAME_MESSAGE = 'must be a lowercase SQL identifier: a letter or _ first, then letters, digits or _ (no "-"), at most 63 characters';

