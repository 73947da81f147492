import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger, type FileReference } from '@fluxo/schema';
import { LineageEmitter, type RunEvent } from '@fluxo/lineage';
import { openLineageValidator } from '@fluxo/lineage/testing';
import type { CommitReport } from '@fluxo/curation';
import { CommitLineage, commitLineageEvents, type LineageNaming } from './commit-lineage';

const naming: LineageNaming = {
  jobNamespace: 'fluxo',
  producer: 'urn:fluxo:normalizer:0.2.0',
  version: '0.2.0',
  lakeRoot: '/data/lake',
  kafkaNamespace: 'kafka://127.0.0.1:9092',
  tableNamespace: 'ducklake:sqlite:/data/catalog/fluxo.sqlite',
  tablePrefix: 'fluxo.main',
};

const rawInput = (offset: string, uri: string, rows: number) => ({
  message: { topic: 'fluxo.raw-files', partition: 1, offset, key: 'earthquakes', value: null },
  reference: { uri, sha256: 'a'.repeat(64), bytes: 1000 + rows, rows, eventId: '11111111-2222-4333-8444-555555555555', source: 'usgs-earthquakes', dataset: 'earthquakes' } as FileReference,
  rows,
  fetchedAtMs: Date.parse('2026-01-01T00:00:00Z'),
});

const report: CommitReport = {
  group: 'fluxo-normalizer',
  snapshotId: 42,
  startedAtMs: Date.parse('2026-01-01T00:00:01Z'),
  committedAtMs: Date.parse('2026-01-01T00:00:02Z'),
  replayed: false,
  datasets: [
    {
      table: {
        name: 'earthquakes',
        columns: [
          { name: 'event_id', sqlType: 'VARCHAR' },
          { name: 'magnitude', sqlType: 'DOUBLE' },
          { name: 'event_time', sqlType: 'TIMESTAMPTZ' },
        ],
        eventTimeColumn: 'event_time',
        identity: { key: '_record_key', version: '_record_version' },
        latest: { entityKey: ['event_id'], versionColumn: 'event_time' },
      },
      inputs: [rawInput('7', 'raw/usgs-earthquakes/date=2026-01-01/a.parquet', 10), rawInput('9', 'raw/usgs-earthquakes/date=2026-01-01/b.parquet', 5)],
      files: [
        { path: '/data/lake/curated/main/earthquakes/year=2026/month=1/day=1/ducklake-1.parquet', deleteFile: null, bytes: 900, rows: 12, snapshotId: 42 },
        { path: '/data/lake/curated/main/earthquakes/year=2025/month=12/day=31/ducklake-2.parquet', deleteFile: null, bytes: 300, rows: 2, snapshotId: 42 },
      ],
    },
  ],
};

describe('commit lineage (OpenLineage run events)', () => {
  const validate = openLineageValidator();

  it('emits a START and a COMPLETE per dataset that the published OpenLineage schema accepts, facets included', () => {
    const events = commitLineageEvents(report, report.datasets[0] ?? (undefined as never), naming);
    expect(events.map((e) => e.eventType)).toEqual(['START', 'COMPLETE']);
    for (const event of events) expect(validate(JSON.parse(JSON.stringify(event)))).toEqual({ valid: true, problems: [] });
    expect(new Set(events.map((e) => e.run.runId)).size).toBe(1);
    expect(events[0]?.outputs).toEqual([]);
  });

  it('names the raw files, the offsets consumed and the curated snapshot with its new files and row counts', () => {
    const complete = commitLineageEvents(report, report.datasets[0] ?? (undefined as never), naming)[1] as RunEvent;
    expect(complete.job).toMatchObject({ namespace: 'fluxo', name: 'normalizer.earthquakes' });
    expect(complete.eventTime).toBe('2026-01-01T00:00:02.000Z');
    const [a, b, topic] = complete.inputs;
    expect(a).toMatchObject({ namespace: 'file', name: '/data/lake/raw/usgs-earthquakes/date=2026-01-01/a.parquet', facets: { version: { datasetVersion: 'a'.repeat(64) } } });
    expect(a?.inputFacets?.['inputStatistics']).toMatchObject({ rowCount: 10, size: 1010, fileCount: 1 });
    expect(b?.inputFacets?.['fluxo_kafkaRecord']).toMatchObject({ topic: 'fluxo.raw-files', partition: 1, offset: '9' });
    expect(topic).toMatchObject({ namespace: 'kafka://127.0.0.1:9092', name: 'fluxo.raw-files' });
    expect(topic?.inputFacets?.['fluxo_kafkaOffsets']).toMatchObject({ group: 'fluxo-normalizer', partitions: [{ partition: 1, firstOffset: '7', lastOffset: '9' }] });
    const [output] = complete.outputs;
    expect(output).toMatchObject({ namespace: naming.tableNamespace, name: 'fluxo.main.earthquakes', facets: { version: { datasetVersion: '42' } } });
    expect(output?.facets?.['schema']).toMatchObject({ fields: [{ name: 'event_id', type: 'VARCHAR', ordinal_position: 1 }, { name: 'magnitude' }, { name: 'event_time' }] });
    expect(output?.outputFacets?.['outputStatistics']).toMatchObject({ rowCount: 14, size: 1200, fileCount: 2 });
    expect((output?.outputFacets?.['fluxo_dataFiles'] as { files: unknown[] } | undefined)?.files).toHaveLength(2);
  });

  it('repeats the same run id when a commit is announced again after a crash', () => {
    const first = commitLineageEvents(report, report.datasets[0] ?? (undefined as never), naming);
    const again = commitLineageEvents({ ...report, replayed: true, startedAtMs: Date.now(), committedAtMs: Date.now() }, report.datasets[0] ?? (undefined as never), naming);
    expect(again[1]?.run.runId).toBe(first[1]?.run.runId);
    expect(again[1]?.run.facets?.['fluxo_commit']).toMatchObject({ replayed: true, snapshotId: 42 });
  });

  it('writes the events of each commit to the JSON-lines file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fluxo-commit-lineage-'));
    try {
      const file = join(dir, 'lineage.jsonl');
      await new CommitLineage(new LineageEmitter({ file, logger: silentLogger }), naming).committed(report);
      const lines = (await readFile(file, 'utf8')).trimEnd().split('\n').map((line) => JSON.parse(line) as unknown);
      expect(lines).toHaveLength(2);
      for (const line of lines) expect(validate(line).valid).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
