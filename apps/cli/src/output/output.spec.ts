import { formatAgo, formatBytes, formatDuration } from './format';
import { Progress } from './progress';
import { rowWriter } from './row-writers';
import { renderTable } from './table';

describe('output', () => {
  it('formats sizes and durations for people', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(185_000)).toBe('3 m 05 s');
    expect(formatAgo(1_000, 13_000)).toBe('12.0 s ago');
    expect(formatAgo(null, 0)).toBe('–');
  });

  it('renders aligned tables, cut to the width', () => {
    const text = renderTable(['name', 'rows'], [['earthquakes', '217'], ['weather_hourly', '4,015']]);
    expect(text.split('\n')).toEqual(['name             rows', '──────────────  ─────', 'earthquakes       217', 'weather_hourly  4,015']);
    const narrow = renderTable(['message'], [['x'.repeat(40)]], { width: 12 });
    expect(narrow.split('\n')[2]).toBe(`${'x'.repeat(11)}…`);
  });

  it('writes CSV (RFC 4180) and JSON without holding the rows', () => {
    const csv = rowWriter('csv');
    expect(csv.begin(['a', 'b']) + csv.rows([['x,y', null], ['say "hi"', 2]]) + csv.end()).toBe('a,b\r\n"x,y",\r\n"say ""hi""",2\r\n');
    const json = rowWriter('json');
    expect(JSON.parse(json.begin(['a']) + json.rows([[1]]) + json.rows([[{ k: [1, 2] }]]) + json.end())).toEqual([{ a: 1 }, { a: { k: [1, 2] } }]);
    const empty = rowWriter('json');
    expect(JSON.parse(empty.begin(['a']) + empty.end())).toEqual([]);
    const lines = rowWriter('jsonl');
    expect(lines.begin(['a']) + lines.rows([[1], [2]]) + lines.end()).toBe('{"a":1}\n{"a":2}\n');
  });

  it('progress: silent for quick work, then a bar with files, rows and an ETA', () => {
    let now = 0;
    const written: string[] = [];
    const progress = new Progress({ write: (text: string) => written.push(text), isTTY: false }, { enabled: true, now: () => now });
    const bar = progress.bar('re-curating', { files: 10, rows: 0 });
    bar.update({ files: 1, rows: 100 });
    expect(written).toEqual([]); // within the first second: nothing
    now = 4_000;
    bar.update({ files: 4, rows: 400 });
    expect(written).toEqual(['re-curating 40%  4/10 files  400 rows  4.0 s  ETA 6.0 s\n']);
    bar.finish('done');
    expect(written.at(-1)).toBe('done\n');
  });

  it('progress: nothing at all with --quiet', () => {
    const written: string[] = [];
    const progress = new Progress({ write: (text: string) => written.push(text) }, { enabled: false, now: () => 10_000 });
    progress.bar('x', { files: 1, rows: 0 }).finish('done');
    progress.note('hello');
    expect(written).toEqual([]);
  });
});
