import 'reflect-metadata';
import { BUILTIN_DEFINITIONS } from './builtin-definitions';
import { compileMapping } from './compile-mapping';
import { curatedSelectForFile, curatedSelectSql, driftColumns } from './curated-sql';
import { datasetMapping } from './dataset-mapping';
import { DefinitionCatalog } from './definition-catalog';
import { sparkExpressionProblems } from './sql-expression';

/**
 * Issue 12, part 2: one mapping, two dialects. What each compiler writes is pinned here; that the
 * two engines then give the same rows is pinned against the real engines by apps/normalizer's
 * `two-dialects.int-spec.ts`.
 */
const catalog = DefinitionCatalog.build(BUILTIN_DEFINITIONS);
const usgs = catalog.source('usgs-earthquakes');
const earthquakes = catalog.dataset('earthquakes');
const lineage = { source: 'usgs-earthquakes', rawUri: "raw/usgs-earthquakes/date=2025-05-04/it's.parquet", topic: 'fluxo.raw-files', partition: 2, offset: '41' };

/** The built-ins with usgs-earthquakes' `tsunami` mapping replaced. */
function withTsunami(mapping: Record<string, unknown>) {
  return {
    ...BUILTIN_DEFINITIONS,
    sources: BUILTIN_DEFINITIONS.sources.map((input) => {
      const definition = input.definition as { name: string; mapping: { column: string }[] };
      if (definition.name !== 'usgs-earthquakes') return input;
      return { ...input, definition: { ...definition, mapping: [...definition.mapping.filter((m) => m.column !== 'tsunami'), { column: 'tsunami', ...mapping }] } };
    }),
  };
}

describe('issue 12: a mapping is data first (DatasetMapping), then SQL', () => {
  it('holds each column with where its value comes from, and the lineage columns', () => {
    const mapping = datasetMapping(usgs, earthquakes);
    expect(mapping.columns.map((c) => [c.name, c.value.kind])).toEqual(earthquakes.columns.map((c) => [c.name, c.name === 'tsunami' ? 'expr' : 'path']));
    expect(mapping.columns.find((c) => c.name === 'longitude')?.value).toEqual({ kind: 'path', path: { from: 'record', steps: ['geometry', 'coordinates', 0] }, text: 'geometry.coordinates[0]' });
    expect(mapping.columns.find((c) => c.name === 'event_time')?.value).toMatchObject({ kind: 'path', time: 'epoch_ms' });
    expect(mapping.columns.find((c) => c.name === 'tsunami')?.value).toEqual({ kind: 'expr', forms: expect.objectContaining({ duckdb: expect.any(String), spark: expect.any(String) }) });
    expect(mapping.lineage.map((c) => c.name)).toEqual(['_source', '_record_key', '_record_version', '_fetched_at', '_raw_uri', '_kafka_topic', '_kafka_partition', '_kafka_offset']);
  });
});

describe('issue 12: the DuckDB compiler', () => {
  const mapping = compileMapping(usgs, earthquakes);

  it('parses the record once per row and keeps QUALIFY', () => {
    expect(mapping.engine).toBe('duckdb');
    expect(mapping.extractions).toHaveLength(1);
    const sql = curatedSelectSql("'/lake/raw/x.parquet'", mapping, lineage);
    expect(sql).toContain("FROM (SELECT *, json_extract_string(\"record\", ['$.id', ");
    expect(sql).toContain("FROM read_parquet('/lake/raw/x.parquet')) AS raw");
    expect(sql).toMatch(/QUALIFY row_number\(\) OVER \(PARTITION BY record_key, record_version ORDER BY fetched_at\) = 1$/);
    expect(sql).toContain(`CAST('raw/usgs-earthquakes/date=2025-05-04/it''s.parquet' AS VARCHAR) AS "_raw_uri"`);
  });

  it('reads integers as integral decimals only (no rounding of 4.5), a plain integer cast directly', () => {
    const significance = mapping.columns.find((c) => c.name === 'significance')?.sql;
    expect(significance).toBe(
      `CASE WHEN regexp_full_match(CAST("_record"[12] AS VARCHAR), '^[+-]?[0-9]+$') THEN TRY_CAST("_record"[12] AS BIGINT) ` +
        'ELSE TRY_CAST(CASE WHEN TRY_CAST("_record"[12] AS DECIMAL(38, 18)) = floor(TRY_CAST("_record"[12] AS DECIMAL(38, 18))) THEN TRY_CAST("_record"[12] AS DECIMAL(38, 18)) END AS BIGINT) END',
    );
    expect(mapping.columns.find((c) => c.name === 'event_time')?.sql).toMatch(/^CAST\(epoch_ms\(CASE WHEN .* END AS BIGINT\) END\) AS TIMESTAMPTZ\)$/);
  });
});

describe('issue 12: the Spark 4.1 compiler', () => {
  const mapping = compileMapping(usgs, earthquakes, 'spark');
  const sql = curatedSelectForFile('/lake/raw/usgs-earthquakes/date=2025-05-04/x.parquet', mapping, lineage, { drift: true });

  it('extracts each path with get_json_object, types in Spark SQL, reads the file with parquet.`…`', () => {
    expect(mapping.engine).toBe('spark');
    // a path ending in an array index: Spark's text "null" for a null element becomes NULL
    expect(mapping.extractions.find((e) => e.includes('coordinates[0]'))).toMatch(/^CASE WHEN get_json_object\(`record`, '\$\.geometry\.coordinates\[0\]'\) = 'null' AND is_variant_null\(/);
    expect(mapping.extractions.find((e) => e.includes("'$.id'"))).toBe("get_json_object(`record`, '$.id') AS `_record_0`");
    expect(mapping.columns.find((c) => c.name === 'place')?.sql).toMatch(/^try_cast\(`_record_\d+` AS STRING\)$/);
    expect(mapping.columns.find((c) => c.name === 'event_time')?.sql).toMatch(/^timestamp_millis\(CASE WHEN cast\(`_record_1` AS STRING\) RLIKE '\^\[\+-\]\?\[0-9\]\+\$' THEN try_cast\(`_record_1` AS BIGINT\) ELSE .* END\)$/);
    expect(mapping.columns.map((c) => c.sqlType)).toEqual(expect.arrayContaining(['STRING', 'DOUBLE', 'BIGINT', 'BOOLEAN', 'TIMESTAMP']));
    expect(sql).toContain('FROM parquet.`/lake/raw/usgs-earthquakes/date=2025-05-04/x.parquet`) AS raw');
    expect(sql).toContain('try_cast(get_json_object(record, \'$.properties.tsunami\') AS INT) = 1');
  });

  it('keeps the first row per (key, version) with a ranked subquery (no QUALIFY in Spark 4.1)', () => {
    expect(sql).not.toContain('QUALIFY');
    expect(sql).toContain('row_number() OVER (PARTITION BY record_key, record_version ORDER BY fetched_at) AS `__first`');
    expect(sql).toMatch(/WHERE `__first` = 1$/);
  });

  it('quotes Spark literals with backslash escapes and identifiers with backticks', () => {
    expect(sql).toContain("CAST('raw/usgs-earthquakes/date=2025-05-04/it\\'s.parquet' AS STRING) AS `_raw_uri`");
    expect(driftColumns(mapping)[0]).toEqual({ column: 'event_id', path: 'id', absent: '`__absent__event_id`', invalid: '`__invalid__event_id`' });
    expect(sql).toContain("try_variant_get(try_parse_json(`record`), '$.id', 'variant') IS NULL");
  });

  it('refuses a file path with glob characters (Hadoop expands them as DuckDB does)', () => {
    expect(() => curatedSelectForFile('/lake/raw/*.parquet', mapping, lineage)).toThrow(expect.objectContaining({ code: 'INVALID_SQL_LITERAL' }));
    expect(() => curatedSelectForFile('lake/raw/x.parquet', mapping, lineage)).toThrow(expect.objectContaining({ code: 'INVALID_SQL_LITERAL' }));
  });
});

describe('issue 12: free-form expr per engine, checked at load for the configured engine', () => {
  it('loads every built-in definition for Spark', () => {
    expect(() => DefinitionCatalog.build(BUILTIN_DEFINITIONS, { engine: 'spark' })).not.toThrow();
  });

  it('rejects at load a DuckDB-only expr when the engine is Spark, naming the source, column and the fix', () => {
    const definitions = withTsunami({ expr: "TRY_CAST(json_extract_string(record, '$.properties.tsunami') AS INTEGER) = 1" });
    expect(() => DefinitionCatalog.build(definitions)).not.toThrow();
    expect(() => DefinitionCatalog.build(definitions, { engine: 'spark' })).toThrow(
      expect.objectContaining({
        code: 'INVALID_DEFINITION',
        problems: [expect.stringMatching(/^source usgs-earthquakes: mapping\[\d+\] \(tsunami\): expr has no spark form \(a plain string is DuckDB SQL\): write it as \{ "duckdb": "…", "spark": "…" \}$/)],
      }),
    );
  });

  it('refuses compiling an expr without the engine form (defence in depth)', () => {
    const source = { name: 'duck-only', mapping: [{ column: 'event_id', expr: 'record_key' }] };
    expect(() => compileMapping(source, earthquakes, 'spark')).toThrow(expect.objectContaining({ code: 'INVALID_DEFINITION', problems: [expect.stringContaining('column event_id: expr has no spark form')] }));
  });

  it('checks each form with its engine in mind: a Spark form may not call the JVM nor hold a backslash', () => {
    const definitions = withTsunami({ expr: { duckdb: 'true', spark: "reflect('java.lang.System', 'exit', 1) = 'x\\''" } });
    expect(() => DefinitionCatalog.build(definitions, { engine: 'spark' })).toThrow(
      expect.objectContaining({
        problems: expect.arrayContaining([
          expect.stringMatching(/\(tsunami\): expr\.spark: "reflect" is not allowed in a Spark expr/),
          expect.stringMatching(/\(tsunami\): expr\.spark: a backslash is not allowed/),
        ]),
      }),
    );
    expect(sparkExpressionProblems("get_json_object(record, '$.user') = 'user'")).toEqual([]);
  });

  it('rejects an expr object with an unknown engine or an empty form', () => {
    for (const expr of [{ postgres: 'true' }, { duckdb: '' }, {}]) {
      expect(() => DefinitionCatalog.build(withTsunami({ expr }))).toThrow(
        expect.objectContaining({ problems: [expect.stringMatching(/expr must be an SQL expression of 1 to 2000 characters \(DuckDB\), or one per engine: \{ "duckdb": "…", "spark": "…" \}/)] }),
      );
    }
  });
});
