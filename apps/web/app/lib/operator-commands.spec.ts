import type { GroupLagView, StorageRow } from './definitions';
import { COMPACT_MIN_FILES, compactCommand, deadLetterCommands, fluxoCommand, lagCommand, problemCommand, quarantineCommand, SMALL_FILE_BYTES, staleTablesCommand } from './operator-commands';

const NOW = Date.parse('2026-12-02T10:00:00Z');

function lagGroup(totalLag: number): GroupLagView {
  return { groupId: 'fluxo-normalizer', topic: 'fluxo.raw-files', role: 'normalizer', totalLag, maxAgeMs: totalLag === 0 ? 0 : 90_000, partitions: [] };
}

function curated(name: string, files: number, averageFileBytes: number): StorageRow {
  return { zone: 'curated', name, files, bytes: files * averageFileBytes, averageFileBytes };
}

describe('the npx fluxo commands the dashboard shows where an action is needed', () => {
  it('lists, and for the normalizer replays (dry run first), the dead letters of one reason and stage', () => {
    expect(deadLetterCommands({ reason: 'ROWS_REJECTED', stage: 'normalizer', count: 3 }).map((c) => c.command)).toEqual([
      'npx fluxo dead-letters list --reason ROWS_REJECTED --stage normalizer',
      'npx fluxo dead-letters replay --reason ROWS_REJECTED --stage normalizer --dry-run',
    ]);
  });

  it('offers no replay for ingest-side dead letters, which carry no reference (the list says which source to re-poll)', () => {
    expect(deadLetterCommands({ reason: 'MALFORMED_BODY', stage: 'ingest', count: 1 }).map((c) => c.command)).toEqual(['npx fluxo dead-letters list --reason MALFORMED_BODY --stage ingest']);
    expect(deadLetterCommands({ reason: 'MALFORMED_LINE', stage: 'stream-ingest', count: 1 }).map((c) => c.command)).toEqual(['npx fluxo dead-letters list --reason MALFORMED_LINE --stage stream-ingest']);
  });

  it('points quarantined files to the dead letters of their stage', () => {
    expect(quarantineCommand('normalizer').command).toBe('npx fluxo dead-letters list --stage normalizer');
  });

  it('quotes for a POSIX shell any argument that needs it, so a copied command runs as shown', () => {
    expect(fluxoCommand(['dead-letters', 'list', '--reason', "it's odd; rm -rf /"])).toBe(`npx fluxo dead-letters list --reason 'it'\\''s odd; rm -rf /'`);
    expect(fluxoCommand(['query', 'SELECT 1'])).toBe("npx fluxo query 'SELECT 1'");
    expect(fluxoCommand(['status', '--max-staleness', '1h'])).toBe('npx fluxo status --max-staleness 1h');
  });

  it('names status for lag only while references wait', () => {
    expect(lagCommand([lagGroup(0)])).toBeNull();
    expect(lagCommand([lagGroup(0), lagGroup(12)])?.command).toBe('npx fluxo status');
  });

  it('names the staleness check when a table had no commit for an hour, or its last commit is unknown', () => {
    expect(staleTablesCommand([{ lastCuratedAt: '2026-12-02T09:30:00Z' }], NOW)).toBeNull();
    expect(staleTablesCommand([{ lastCuratedAt: '2026-12-02T09:30:00Z' }, { lastCuratedAt: '2026-12-02T08:59:59Z' }], NOW)?.command).toBe('npx fluxo status --max-staleness 1h');
    expect(staleTablesCommand([{ lastCuratedAt: null }], NOW)?.command).toBe('npx fluxo status --max-staleness 1h');
  });

  it('suggests compaction (dry run) for curated tables with many small files, naming them, and only those', () => {
    expect(compactCommand([curated('earthquakes', COMPACT_MIN_FILES - 1, 10_000)])).toBeNull();
    expect(compactCommand([curated('earthquakes', 50, SMALL_FILE_BYTES)])).toBeNull();
    expect(compactCommand([{ zone: 'raw', name: 'usgs-earthquakes', files: 500, bytes: 500_000, averageFileBytes: 1000 }])).toBeNull();
    const command = compactCommand([curated('earthquakes', 40, 20_000), curated('weather_hourly', 3, 20_000), curated('recentchange', COMPACT_MIN_FILES, 1_000)]);
    expect(command?.command).toBe('npx fluxo compact --dry-run');
    expect(command?.purpose).toContain('earthquakes, recentchange');
    expect(command?.purpose).not.toContain('weather_hourly');
  });

  it('names status for a widget that cannot read Kafka, a file or the catalog, and nothing while there is simply no data yet', () => {
    expect(problemCommand({ kind: 'no-data', message: 'No rows yet' })).toBeNull();
    for (const kind of ['kafka-unreachable', 'broken-file', 'query-failed'] as const) {
      expect(problemCommand({ kind, message: 'x' })?.command).toBe('npx fluxo status');
    }
  });
});
