import type { ExtractedRecord } from '@fluxo/schema';
import { PollCollector } from '../poll/poll-collector';
import { applyUpdate, emptyState, type SourceState } from './poll-state';

const record = (key: string, version: string): ExtractedRecord => ({ key, version, eventTime: null, record: `{"k":"${key}","v":"${version}"}`, context: null });

function select(state: SourceState, records: readonly ExtractedRecord[]): { changes: string[]; collector: PollCollector } {
  const collector = new PollCollector(state);
  const page = collector.page();
  const changes = records.filter((r) => page.select(r) === 'new').map((r) => `${r.key}@${r.version}`);
  page.commit();
  return { changes, collector };
}

describe('poll state', () => {
  const url = 'http://replay/all_day.geojson';

  it('selects new and changed versions only, once each', () => {
    const state = applyUpdate(emptyState('s', url), { url, validators: {}, observed: [['a', '1'], ['b', '1']], observedAtMs: 1000 }, 10_000);
    expect(select(state, [record('a', '1'), record('b', '2'), record('c', '1'), record('c', '1')]).changes).toEqual(['b@2', 'c@1']);
  });

  it('issue 10: a key held twice with different versions keeps the first and is reported, so the next poll announces nothing', () => {
    const first = select(emptyState('s', url), [record('a', '1'), record('a', '2'), record('b', '1')]);
    expect(first.changes).toEqual(['a@1', 'b@1']);
    expect([...first.collector.duplicates.values()]).toEqual([{ key: 'a', kept: '1', other: '{"k":"a","v":"2"}', count: 1 }]);
    const state = applyUpdate(emptyState('s', url), { url, validators: {}, observed: [...first.collector.seen], observedAtMs: 1000 }, 10_000);
    expect(select(state, [record('a', '1'), record('a', '2'), record('b', '1')]).changes).toEqual([]);
  });

  it('forgets keys the feed stopped showing after the ttl, and remembers the rest', () => {
    let state = applyUpdate(emptyState('s', url), { url, validators: {}, observed: [['old', '1']], observedAtMs: 0 }, 1000);
    state = applyUpdate(state, { url, validators: { etag: '"x"' }, observed: [['new', '1']], observedAtMs: 500 }, 1000);
    expect(Object.keys(state.seen).sort()).toEqual(['new', 'old']);
    state = applyUpdate(state, { url, validators: {}, observed: [['new', '1']], observedAtMs: 1500 }, 1000);
    expect(Object.keys(state.seen)).toEqual(['new']);
    expect(state.seen['new']).toEqual(['1', 1500]);
  });

  it('issue 10: keeps the newest event time announced for incremental parameters, never moving it back', () => {
    let state = applyUpdate(emptyState('s', url), { url, validators: {}, observed: [], observedAtMs: 0, watermarkMs: 5000 }, 1000);
    state = applyUpdate(state, { url, validators: {}, observed: [], observedAtMs: 1, watermarkMs: 3000 }, 1000);
    expect(state.watermarkMs).toBe(5000);
  });
});
