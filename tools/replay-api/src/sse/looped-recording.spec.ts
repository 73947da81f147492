import { join } from 'node:path';
import { loadRecentChanges } from '../recordings/load-recentchange';
import { LoopedRecording } from './looped-recording';

describe('LoopedRecording', () => {
  let recording: LoopedRecording;
  beforeAll(async () => {
    recording = new LoopedRecording(await loadRecentChanges(join(__dirname, '..', '..', 'fixtures')));
  });

  it('derives the same looped event every time', () => {
    expect(recording.at(345)).toEqual(recording.at(345));
    expect(recording.at(345).data).not.toBe(recording.at(45).data);
  });

  it('resumes after any offset, including offsets between recorded ones and in later loops', () => {
    const first = recording.at(0).offset;
    expect(recording.seqAfterOffset(first - 1000)).toBe(0);
    expect(recording.seqAfterOffset(first)).toBe(1);
    expect(recording.seqAfterOffset(recording.at(4).offset + 1)).toBe(5);
    expect(recording.seqAfterOffset(recording.at(99).offset)).toBe(100);
    expect(recording.seqAfterOffset(recording.at(257).offset)).toBe(258);
    expect(recording.seqAfterOffset(recording.at(257).offset - 1)).toBe(257);
  });

  it('finds the first event at or after a time, in every loop', () => {
    expect(recording.seqAtOrAfterTime(0)).toBe(0);
    expect(recording.seqAtOrAfterTime(recording.at(0).timestampMs)).toBe(0);
    const late = recording.at(260).timestampMs;
    const seq = recording.seqAtOrAfterTime(late);
    expect(recording.at(seq).timestampMs).toBeGreaterThanOrEqual(late);
    for (let earlier = 200; earlier < seq; earlier += 1) expect(recording.at(earlier).timestampMs).toBeLessThan(late);
  });
});
