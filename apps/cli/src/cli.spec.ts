import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFluxo } from './testing/run-cli';

const EXAMPLE = join(__dirname, '..', '..', '..', 'docs', 'examples', 'github-events');

describe('fluxo (in-process, no broker)', () => {
  it('lists its commands, exit codes and configuration; every command has help with examples', async () => {
    const help = await runFluxo(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['status', 'dead-letters list', 'dead-letters replay', 'reprocess', 'definitions check', 'definitions try', 'compact', 'gc', 'query']) {
      expect(help.stdout).toContain(`  ${command}`);
      const own = await runFluxo([...command.split(' '), '--help']);
      expect(own.code).toBe(0);
      expect(own.stdout).toContain('Examples:');
      expect(own.stdout).toContain(`npx fluxo ${command}`);
    }
    expect(help.stdout).toMatch(/Exit codes:[\s\S]*130/);
    expect(help.stdout).toContain('FLUXO_STATUS_MAX_LAG_MESSAGES=1000');
  });

  it('usage errors exit 2 with every problem listed', async () => {
    expect((await runFluxo([])).code).toBe(2);
    const unknown = await runFluxo(['stauts']);
    expect(unknown).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown command "stauts"') });
    const group = await runFluxo(['dead-letters']);
    expect(group).toMatchObject({ code: 2, stderr: expect.stringContaining('list, show, replay') });
    const bad = await runFluxo(['status', '--max-lag', 'lots', '--window', 'forever', '--colour']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown option --colour/);
    const values = await runFluxo(['status', '--max-lag', 'lots', '--window', 'forever']);
    expect(values.stderr).toMatch(/--window must be a duration[\s\S]*--max-lag must be an integer/);
    const replay = await runFluxo(['dead-letters', 'replay']);
    expect(replay).toMatchObject({ code: 2, stderr: expect.stringContaining('say which dead letters') });
  });

  it('configuration errors exit 2, naming each variable', async () => {
    const run = await runFluxo(['status'], { FLUXO_STATUS_MAX_LAG_MS: 'soon', FLUXO_CATALOG: 'mysql:x' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('FLUXO_CATALOG: must be sqlite:<path>');
    expect(run.stderr).toContain('FLUXO_STATUS_MAX_LAG_MS: expected an integer');
  });

  describe('definitions', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'fluxo-cli-definitions-'));
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));

    it('check: the documented example is valid', async () => {
      const run = await runFluxo(['definitions', 'check', join(EXAMPLE, 'sources', 'github-events.json'), join(EXAMPLE, 'datasets', 'github_events.json')]);
      expect(run).toMatchObject({ code: 0, stdout: expect.stringContaining('valid') });
    });

    it('check: one message per mistake, SQL bound by DuckDB included; exit 1', async () => {
      const source = join(dir, 'broken.json');
      await writeFile(
        source,
        JSON.stringify({
          name: 'broken',
          kind: 'poll',
          dataset: 'github_events',
          description: 'mistakes on purpose',
          request: { url: 'https://example.org/{missing}', intervalMs: 60000 },
          records: { path: '$', layout: 'rows' },
          key: ['id'],
          mapping: [
            { column: 'event_id', path: 'id' },
            { column: 'event_type', expr: "uppper(json_extract_string(record, '$.type'))" },
            { column: 'created_at', path: 'created_at' },
            { column: 'nope', path: 'x' },
          ],
        }),
      );
      const run = await runFluxo(['definitions', 'check', source, join(EXAMPLE, 'datasets', 'github_events.json')]);
      expect(run.code).toBe(1);
      const lines = run.stdout.split('\n').filter((line) => line.startsWith('  - '));
      expect(lines).toEqual([
        expect.stringContaining('mapping[2] (created_at): a timestamp read by "path" needs "format"'),
        expect.stringContaining('mapping[3] (nope): dataset github_events has no such column'),
        expect.stringContaining('request.url placeholder {missing} has no default'),
      ]);
      // Structurally valid but misspelt: only DuckDB can tell.
      await writeFile(source, JSON.stringify({ ...JSON.parse(await import('node:fs/promises').then((fs) => fs.readFile(join(EXAMPLE, 'sources', 'github-events.json'), 'utf8'))), name: 'misspelt', mapping: [{ column: 'event_id', path: 'id' }, { column: 'event_type', expr: "uppper(json_extract_string(record, '$.type'))" }, { column: 'created_at', path: 'created_at', format: 'iso8601' }] }));
      const sql = await runFluxo(['definitions', 'check', source, join(EXAMPLE, 'datasets', 'github_events.json')]);
      expect(sql.code).toBe(1);
      expect(sql.stdout).toMatch(/mapping of column "event_type": DuckDB rejects it: .*uppper/);
    });

    it('try: the rows a definition curates from a saved response, through the real extraction and mapping', async () => {
      const run = await runFluxo([
        'definitions',
        'try',
        join(EXAMPLE, 'sources', 'github-events.json'),
        join(EXAMPLE, 'datasets', 'github_events.json'),
        '--response',
        join(EXAMPLE, 'sample-response.json'),
        '--json',
      ]);
      expect(run.code).toBe(0);
      const result = JSON.parse(run.stdout) as { rows: Record<string, unknown>[]; records: number };
      expect(result.records).toBe(2);
      expect(result.rows.map((row) => [row['event_id'], row['event_type'], row['created_at']])).toEqual([
        ['44000000001', 'PushEvent', '2025-05-04T13:52:57.000Z'],
        ['44000000002', 'WatchEvent', '2025-05-04T13:53:01.000Z'],
      ]);
      const table = await runFluxo(['definitions', 'try', join(EXAMPLE, 'sources', 'github-events.json'), '--response', join(EXAMPLE, 'sample-response.json')]);
      expect(table.stdout).toMatch(/github-events → github_events: 2 record\(s\) extracted, 2 row\(s\) curated/);
      const wrong = join(dir, 'wrong-shape.json');
      await writeFile(wrong, '{"events": []}');
      const shape = await runFluxo(['definitions', 'try', join(EXAMPLE, 'sources', 'github-events.json'), '--response', wrong]);
      expect(shape).toMatchObject({ code: 1, stdout: expect.stringContaining('RESPONSE_SHAPE') });
      expect((await runFluxo(['definitions', 'try', join(EXAMPLE, 'sources', 'github-events.json')])).code).toBe(2);
    });
  });
});
