import type { ExtractedRecord } from '@fluxo/schema';
import { applyUpdate, emptyState, selectChanges } from './poll-state';

const record = (key: string, version: string): ExtractedRecord => ({ key, version, eventTime: null, record: '{}', context: null });

describe('poll state', () => {
  const url = 'http://replay/all_day.geojson';

  it('selects new and changed versions only, once each', () => {
    const state = applyUpdate(emptyState('s', url), { url, validators: {}, observed: [['a', '1'], ['b', '1']], observedAtMs: 1000 }, 10_000);
    const changes = selectChanges(state, [record('a', '1'), record('b', '2'), record('c', '1'), record('c', '1')]);
    expect(changes.map((r) => `${r.key}@${r.version}`)).toEqual(['b@2', 'c@1']);
  });

  it('keeps both versions when a response holds two versions of one key', () => {
    expect(selectChanges(emptyState('s', url), [record('a', '1'), record('a', '2')])).toHaveLength(2);
  });

  it('forgets keys the feed stopped showing after the ttl, and remembers the rest', () => {
    let state = applyUpdate(emptyState('s', url), { url, validators: {}, observed: [['old', '1']], observedAtMs: 0 }, 1000);
    state = applyUpdate(state, { url, validators: { etag: '"x"' }, observed: [['new', '1']], observedAtMs: 500 }, 1000);
    expect(Object.keys(state.seen).sort()).toEqual(['new', 'old']);
    state = applyUpdate(state, { url, validators: {}, observed: [['new', '1']], observedAtMs: 1500 }, 1000);
    expect(Object.keys(state.seen)).toEqual(['new']);
    expect(state.seen['new']).toEqual(['1', 1500]);
  });
});
