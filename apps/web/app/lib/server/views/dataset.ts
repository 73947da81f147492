import { LINEAGE_COLUMNS } from '@fluxo/schema';
import type { DatasetColumn, DatasetInfo, DatasetView, Loaded } from '../../definitions';
import { ident, num, type DatasetFiles, type LakeData } from '../lake-data';

const NUMERIC = new Set(['double', 'integer', 'DOUBLE', 'BIGINT', 'INTEGER', 'FLOAT', 'REAL', 'SMALLINT', 'TINYINT', 'HUGEINT', 'UBIGINT', 'UINTEGER']);
const LINEAGE = new Set<string>(LINEAGE_COLUMNS.map((column) => column.name));
/** Lineage columns worth showing in "latest rows". */
const SHOWN_LINEAGE = ['_source', '_fetched_at'];

export function datasetViewKey(dataset: string): string {
  return `dataset:${dataset}`;
}

interface Shape {
  readonly description: string | null;
  readonly timeColumn: string | null;
  readonly columns: readonly DatasetColumn[];
}

/**
 * Any curated dataset, from its definition (or, for a dataset only present in the lake, from the
 * files' own schema): rows over time, the latest rows and a summary of each numeric column. A new
 * source added by configuration shows up here without UI code.
 */
export async function datasetView(lake: LakeData, dataset: string): Promise<DatasetView> {
  const files = await lake.dataset(dataset);
  const key = datasetViewKey(dataset);
  return lake.cached(`view:${key}`, files.signature, async () => {
    const shape = await shapeOf(lake, dataset, files);
    const info: DatasetView['info'] = shape.ok
      ? await lake.load(files, async () => ({ ...shape.data, rows: files.rows, files: files.files.length, bytes: files.bytes }))
      : shape;
    if (!shape.ok) return { key, dataset, info, rowsOverTime: shape, latestRows: shape, numeric: shape };
    const { timeColumn, columns } = shape.data;
    const rowsOverTime = await lake.load(files, async (source) => {
      if (timeColumn === null) return null;
      const t = ident(timeColumn);
      const [span] = await lake.query<{ oldest: string | null; newest: string | null }>(`SELECT min(${t}) AS oldest, max(${t}) AS newest FROM ${source}`);
      if (span?.oldest == null || span.newest == null) return null;
      const bucketMs = bucketFor(Date.parse(span.newest) - Date.parse(span.oldest));
      const points = await lake.query<{ at: string; rows: number }>(
        `SELECT to_timestamp(floor(epoch_ms(${t}) / ${bucketMs}) * ${bucketMs} / 1000) AS at, count(*)::INTEGER AS rows FROM ${source} WHERE ${t} IS NOT NULL GROUP BY 1 ORDER BY 1`,
      );
      return { bucketMs, points };
    });
    const shown = columns.filter((column) => !column.lineage || SHOWN_LINEAGE.includes(column.name)).map((column) => column.name);
    const latestRows = await lake.load(files, async (source) => {
      const order = timeColumn === null ? '' : `ORDER BY ${ident(timeColumn)} DESC NULLS LAST`;
      const rows = await lake.query<Record<string, unknown>>(`SELECT ${shown.map(ident).join(', ')} FROM ${source} ${order} LIMIT 20`);
      return rows.length === 0 ? null : { columns: shown, rows: rows.map(toCells) };
    });
    const numericColumns = columns.filter((column) => !column.lineage && NUMERIC.has(column.type));
    const numeric = await lake.load(files, async (source) => {
      if (numericColumns.length === 0) return [];
      const parts = numericColumns.map((column, index) => {
        const c = ident(column.name);
        return `min(${c})::DOUBLE AS min_${index}, max(${c})::DOUBLE AS max_${index}, avg(${c})::DOUBLE AS mean_${index}, count(${c})::INTEGER AS count_${index}`;
      });
      const [row] = await lake.query<Record<string, unknown>>(`SELECT count(*)::INTEGER AS total, ${parts.join(', ')} FROM ${source}`);
      const total = num(row?.['total']) ?? 0;
      return numericColumns.map((column, index) => {
        const count = num(row?.[`count_${index}`]) ?? 0;
        return { column: column.name, min: num(row?.[`min_${index}`]), max: num(row?.[`max_${index}`]), mean: num(row?.[`mean_${index}`]), count, nulls: total - count };
      });
    });
    return { key, dataset, info, rowsOverTime, latestRows, numeric };
  });
}

/** Every dataset with its file count, for the datasets index and navigation. */
export async function datasetList(lake: LakeData): Promise<DatasetInfo[]> {
  const names = await lake.datasetNames();
  const catalog = await lake.catalog();
  const listing = await lake.scanner.list();
  return names.map((name) => {
    const files = listing.files.filter((file) => file.zone === 'curated' && file.name === name);
    const defined = catalog.datasetNames().includes(name);
    return { name, description: defined ? catalog.dataset(name).description : null, defined, files: files.length, bytes: files.reduce((sum, file) => sum + file.bytes, 0) };
  });
}

async function shapeOf(lake: LakeData, dataset: string, files: DatasetFiles): Promise<Loaded<Shape>> {
  const definition = await lake.definition(dataset);
  if (definition !== undefined) {
    const columns: DatasetColumn[] = [
      ...definition.columns.map((column) => ({ name: column.name, type: column.type, description: column.description ?? null, lineage: false })),
      ...LINEAGE_COLUMNS.map((column) => ({ name: column.name, type: column.type, description: column.description, lineage: true })),
    ];
    return { ok: true, data: { description: definition.description, timeColumn: definition.partitionBy, columns }, warnings: [] };
  }
  return lake.load(
    files,
    async (source) => {
      const described = await lake.query<{ column_name: string; column_type: string }>(`DESCRIBE SELECT * FROM ${source}`);
      const columns = described.map((column) => ({ name: column.column_name, type: column.column_type, description: null, lineage: LINEAGE.has(column.column_name) }));
      const time = columns.find((column) => !column.lineage && column.type.startsWith('TIMESTAMP')) ?? columns.find((column) => column.type.startsWith('TIMESTAMP'));
      return { description: null, timeColumn: time?.name ?? null, columns };
    },
    `Unknown dataset "${dataset}": it is not defined and has no curated files.`,
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
