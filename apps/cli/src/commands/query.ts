import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { PlainValue } from '@fluxo/parquet-io';
import type { CommandSpec } from '../args/command-spec';
import { OptionReader } from '../args/values';
import { CliError, EXIT } from '../errors';
import { formatCount } from '../output/format';
import { cellText, rowWriter, type TextFormat } from '../output/row-writers';
import { renderTable } from '../output/table';
import { copyToParquet, sandbox, singleStatement, streamQuery } from '../query/run-query';

const FORMATS = ['table', 'csv', 'json', 'jsonl', 'parquet'] as const;
type Format = (typeof FORMATS)[number];

export const queryCommand: CommandSpec = {
  name: 'query',
  summary: 'Run one SQL query over the curated tables (read-only): a table on a terminal, CSV/JSON/Parquet otherwise',
  usage: ['query "<SQL>" [--format table|csv|json|jsonl|parquet] [--output FILE] [--max-rows N]'],
  positionals: { min: 1, max: 1 },
  options: {
    format: { type: 'string', value: 'FORMAT', description: 'table (default on a terminal), csv (default otherwise), json, jsonl, parquet (needs --output)' },
    output: { type: 'string', value: 'FILE', description: 'Write to FILE (atomically) instead of stdout' },
    'max-rows': { type: 'string', value: 'N', description: 'table format: show at most N rows (default 1000)' },
  },
  details: [
    'DuckDB over the catalog attached read-only (FLUXO_CATALOG) with `USE fluxo.main`, so tables are named bare: earthquakes, earthquakes_latest (latest version per entity), weather_hourly… Lineage columns (_source, _raw_uri, _kafka_offset…) are there too. The query may read nothing but the tables: other files, the network, ATTACH and settings are refused by DuckDB (enable_external_access off, configuration locked).',
    'Rows are streamed (csv, json, jsonl), so results need not fit in memory. Timestamps are ISO-8601 UTC. Exit 4 when DuckDB rejects the SQL (its message says why), 2 for more than one statement.',
  ],
  examples: [
    ['query "SELECT count(*) FROM earthquakes"', 'how many versions'],
    ['query "SELECT event_id, magnitude, place FROM earthquakes_latest ORDER BY magnitude DESC LIMIT 10"', 'the strongest'],
    ['query "SELECT * FROM weather_hourly" --format parquet --output weather.parquet', 'export for Spark or pandas'],
    ['query "SELECT _raw_uri, count(*) FROM earthquakes GROUP BY 1" --format csv > lineage.csv', 'rows per raw file'],
  ],
  run: async (context, args) => {
    const options = new OptionReader('query', args, context.now);
    const tty = context.io.stdout.isTTY === true;
    const output = options.string('output');
    const format: Format = options.choice('format', FORMATS, output === undefined && tty ? 'table' : 'csv');
    const maxRows = options.integer('max-rows', { min: 1 }) ?? 1_000;
    if (format === 'parquet' && output === undefined) options.problem('--format parquet needs --output FILE');
    if (format === 'table' && output !== undefined) options.problem('--format table is for terminals: pick csv, json, jsonl or parquet with --output');
    options.done();
    const lakehouse = await context.lakehouse({ readOnly: true });
    if (lakehouse === null) throw new CliError('NOT_FOUND', `There is no table catalog at ${context.config.catalog}: nothing has been curated yet.`);
    const engine = await context.engine();
    const sql = await singleStatement(engine, args.positionals[0] ?? '');
    const outputPath = output === undefined ? undefined : resolve(context.io.cwd, output);
    const temp = outputPath === undefined ? undefined : join(dirname(outputPath), `.${basename(outputPath)}.${process.pid}.tmp`);
    await sandbox(engine, lakehouse, temp === undefined ? {} : { outputPath: temp });
    try {
      if (format === 'parquet') {
        const rows = await context.progress.step('writing Parquet', () => copyToParquet(engine, sql, temp ?? ''));
        await rename(temp ?? '', outputPath ?? '');
        context.progress.note(`${formatCount(rows)} row(s) written to ${outputPath ?? ''}`);
        return EXIT.ok;
      }
      if (format === 'table') {
        let columns: readonly string[] = [];
        const rows: PlainValue[][] = [];
        let more = false;
        await context.progress.step('querying', () =>
          streamQuery(
            engine,
            sql,
            (names) => (columns = names),
            (chunk) => {
              rows.push(...chunk.slice(0, maxRows - rows.length));
              more = rows.length >= maxRows && chunk.length > 0;
              return rows.length < maxRows;
            },
          ),
        );
        context.print(renderTable(columns, rows.map((row) => row.map(cellText)), context.width === undefined ? {} : { width: context.width }));
        context.progress.note(`${formatCount(rows.length)} row(s)${more ? ` shown (--max-rows ${maxRows}; more exist: use --format csv or --output)` : ''}`);
        return EXIT.ok;
      }
      const writer = rowWriter(format satisfies TextFormat);
      const file: WriteStream | undefined = temp === undefined ? undefined : createWriteStream(temp);
      const write = async (text: string) => {
        if (text === '') return;
        if (file === undefined) context.io.stdout.write(text);
        else if (!file.write(text)) await new Promise<void>((resolve) => file.once('drain', () => resolve()));
      };
      let count = 0;
      await context.progress.step('querying', () =>
        streamQuery(
          engine,
          sql,
          (columns) => void write(writer.begin(columns)),
          async (rows) => {
            count += rows.length;
            await write(writer.rows(rows));
            return !context.signal.aborted;
          },
        ),
      );
      await write(writer.end());
      if (file !== undefined) {
        await new Promise<void>((resolve, reject) => file.end((error?: Error | null) => (error ? reject(error) : resolve())));
        await rename(temp ?? '', outputPath ?? '');
        context.progress.note(`${formatCount(count)} row(s) written to ${outputPath ?? ''}`);
      }
      return EXIT.ok;
    } finally {
      if (temp !== undefined) await rm(temp, { force: true });
      await engine.run('USE memory').catch(() => undefined); // so the catalog can be detached
    }
  },
};
