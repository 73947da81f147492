import { LINEAGE_COLUMNS } from '@fluxo/schema';
import type { DatasetColumn, DatasetInfo, DatasetView, Loaded } from '../../definitions';
import { ident, num, tsLiteral, type DatasetTable, type LakeData } from '../lake-data';
import type { CuratedTable } from '../table-listing';
import { bucketDays, rowsPerDay } from './rows-per-day';

const NUMERIC = new Set(['double', 'integer', 'DOUBLE', 'BIGINT', 'INTEGER', 'FLOAT', 'REAL', 'SMALLINT', 'TINYINT', 'HUGEINT', 'UBIGINT', 'UINTEGER']);
const LINEAGE = new Set<string>(LINEAGE_COLUMNS.map((column) => column.name));
/** Lineage columns worth showing in "latest rows". */
const SHOWN_LINEAGE = ['_source', '_fetched_at'];
const LATEST_ROWS = 20;
const DAY_MS = 86_400_000;

function datasetViewKey(dataset: string): string {
  return `dataset:${dataset}`;
}

interface Shape {
  readonly description: string | null;
  readonly timeColumn: string | null;
  readonly columns: readonly DatasetColumn[];
}

/**
 * Any curated dataset, from its definition (or, for a table only present in the catalog, from the
 * table's own columns): rows over time, the latest rows and a summary of each numeric column. A new
 * source added by configuration shows up here without UI code. Row counts, time spans and (for day or
 * longer buckets) rows per bucket come from the catalog's statistics; the latest rows read the newest
 * day first.
 */
export async function datasetView(lake: LakeData, name: string): Promise<DatasetView> {
  const dataset = await lake.dataset(name);
  const key = datasetViewKey(name);
  return lake.cached(`view:${key}`, dataset.signature, async () => {
    const shape = await shapeOf(lake, dataset);
    const info: DatasetView['info'] = shape.ok
      ? await lake.load(dataset, async (table) => ({ ...shape.data, rows: table.rows, files: table.files, bytes: table.bytes }))
      : shape;
    if (!shape.ok) return { key, dataset: name, info, rowsOverTime: shape, latestRows: shape, numeric: shape };
    const { timeColumn, columns } = shape.data;
    const span = async (table: CuratedTable) => {
      if (timeColumn === null) return null;
      // min() and max() are answered from the table's column statistics.
      const [row] = await lake.query<{ oldest: string | null; newest: string | null }>(`SELECT min(${ident(timeColumn)}) AS oldest, max(${ident(timeColumn)}) AS newest FROM ${table.source}`);
      return row?.oldest == null || row.newest == null ? null : { oldest: row.oldest, newest: row.newest };
    };
    const rowsOverTime = await lake.load(dataset, async (table) => {
      const bounds = await span(table);
      if (timeColumn === null || bounds === null) return null;
      const t = ident(timeColumn);
      const bucketMs = bucketFor(Date.parse(bounds.newest) - Date.parse(bounds.oldest));
      const days = bucketMs >= DAY_MS && dataset.lakehouse !== null ? await rowsPerDay(lake, dataset.lakehouse, table, timeColumn) : null;
      if (days !== null) return { bucketMs, points: bucketDays(days, bucketMs) };
      const points = await lake.query<{ at: string; rows: number }>(
        `SELECT to_timestamp(floor(epoch_ms(${t}) / ${bucketMs}) * ${bucketMs} / 1000) AS at, count(*)::INTEGER AS rows FROM ${table.source} WHERE ${t} IS NOT NULL GROUP BY 1 ORDER BY 1`,
      );
      return { bucketMs, points };
    });
    const shown = columns.filter((column) => !column.lineage || SHOWN_LINEAGE.includes(column.name)).map((column) => column.name);
    const latestRows = await lake.load(dataset, async (table) => {
      const select = (where: string) =>
        `SELECT ${shown.map(ident).join(', ')} FROM ${table.source} ${where} ${timeColumn === null ? '' : `ORDER BY ${ident(timeColumn)} DESC NULLS LAST`} LIMIT ${LATEST_ROWS}`;
      const bounds = await span(table);
      // The newest day usually holds them: read its partition first, the whole table only when it does not.
      let rows = timeColumn === null || bounds === null ? [] : await lake.query<Record<string, unknown>>(select(`WHERE ${ident(timeColumn)} >= ${tsLiteral(bounds.newest)} - INTERVAL 1 DAY`));
      if (rows.length < LATEST_ROWS) rows = await lake.query<Record<string, unknown>>(select(''));
      return rows.length === 0 ? null : { columns: shown, rows: rows.map(toCells) };
    });
    const numericColumns = columns.filter((column) => !column.lineage && NUMERIC.has(column.type));
    const numeric = await lake.load(dataset, async (table) => {
      if (numericColumns.length === 0) return [];
      const parts = numericColumns.map((column, index) => {
        const c = ident(column.name);
        return `min(${c})::DOUBLE AS min_${index}, max(${c})::DOUBLE AS max_${index}, avg(${c})::DOUBLE AS mean_${index}, count(${c})::INTEGER AS count_${index}`;
      });
      const [row] = await lake.query<Record<string, unknown>>(`SELECT count(*)::INTEGER AS total, ${parts.join(', ')} FROM ${table.source}`);
      const total = num(row?.['total']) ?? 0;
      return numericColumns.map((column, index) => {
        const count = num(row?.[`count_${index}`]) ?? 0;
        return { column: column.name, min: num(row?.[`min_${index}`]), max: num(row?.[`max_${index}`]), mean: num(row?.[`mean_${index}`]), count, nulls: total - count };
      });
    });
    return { key, dataset: name, info, rowsOverTime, latestRows, numeric };
  });
}

/** Every dataset with its data files (from the catalog), for the datasets index and navigation. */
export async function datasetList(lake: LakeData): Promise<DatasetInfo[]> {
  const [names, catalog, listing] = await Promise.all([lake.datasetNames(), lake.catalog(), lake.listTables()]);
  return names.map((name) => {
    const table = listing.ok ? listing.tables.get(name) : undefined;
    const defined = catalog.datasetNames().includes(name);
    return { name, description: defined ? catalog.dataset(name).description : null, defined, files: table?.files ?? 0, bytes: table?.bytes ?? 0 };
  });
}

async function shapeOf(lake: LakeData, dataset: DatasetTable): Promise<Loaded<Shape>> {
  const definition = await lake.definition(dataset.dataset);
  if (definition !== undefined) {
    const columns: DatasetColumn[] = [
      ...definition.columns.map((column) => ({ name: column.name, type: column.type, description: column.description ?? null, lineage: false })),
      ...LINEAGE_COLUMNS.map((column) => ({ name: column.name, type: column.type, description: column.description, lineage: true })),
    ];
    return { ok: true, data: { description: definition.description, timeColumn: definition.partitionBy, columns }, warnings: [] };
  }
  return lake.load(
    dataset,
    async (table) => {
      const columns = table.columns.map((column) => ({ name: column.name, type: column.type, description: null, lineage: LINEAGE.has(column.name) }));
      const time = columns.find((column) => !column.lineage && column.type.startsWith('TIMESTAMP')) ?? columns.find((column) => column.type.startsWith('TIMESTAMP'));
      return { description: null, timeColumn: time?.name ?? null, columns };
    },
    `Unknown dataset "${dataset.dataset}": it is not defined and the catalog has no table of that name.`,
  );
}

function bucketFor(spanMs: number): number {
  if (spanMs <= 6 * 3_600_000) return 5 * 60_000;
  if (spanMs <= 2 * 86_400_000) return 3_600_000;
  if (spanMs <= 60 * 86_400_000) return 86_400_000;
  return 7 * 86_400_000;
}

function toCells(row: Record<string, unknown>): Record<string, string | number | boolean | null> {
  const cells: Record<string, string | number | boolean | null> = {};
  for (const [name, value] of Object.entries(row)) {
    cells[name] = value === null || value === undefined ? null : typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string' ? value : JSON.stringify(value);
  }
  return cells;
}
