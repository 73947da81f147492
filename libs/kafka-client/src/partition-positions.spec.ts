import { PartitionPositions } from './partition-positions';

const records = (from: number, to: number, timestampMs = 1000) => Array.from({ length: to - from + 1 }, (_, i) => ({ offset: String(from + i), timestampMs: timestampMs + i }));

describe('PartitionPositions', () => {
  it('reports lag in records and the timestamp of the oldest record waiting, back to 0 once committed', () => {
    const positions = new PartitionPositions();
    positions.assigned([{ topic: 't', partition: 0 }]);
    expect(positions.snapshot()).toEqual([{ topic: 't', partition: 0, highWatermark: null, nextOffset: null, lagMessages: null, oldestUnprocessedTimestampMs: null }]);

    positions.fetched('t', 0, '10', records(5, 9));
    expect(positions.snapshot()[0]).toMatchObject({ highWatermark: '10', nextOffset: '5', lagMessages: 5, oldestUnprocessedTimestampMs: 1000 });

    positions.committed('t', 0, '7');
    expect(positions.snapshot()[0]).toMatchObject({ nextOffset: '7', lagMessages: 3, oldestUnprocessedTimestampMs: 1002 });

    positions.committed('t', 0, '10');
    expect(positions.snapshot()[0]).toMatchObject({ lagMessages: 0, oldestUnprocessedTimestampMs: null });
  });

  it('ignores records fetched again below the committed offset, and never moves backwards', () => {
    const positions = new PartitionPositions();
    positions.committed('t', 1, '20');
    positions.fetched('t', 1, '22', records(18, 21));
    positions.committed('t', 1, '15');
    expect(positions.snapshot()[0]).toMatchObject({ highWatermark: '22', nextOffset: '20', lagMessages: 2, oldestUnprocessedTimestampMs: 1002 });
  });

  it('forgets partitions that moved to another member, and seeds idle ones from the admin API', () => {
    const positions = new PartitionPositions();
    positions.fetched('t', 0, '3', records(0, 2));
    positions.assigned([{ topic: 't', partition: 1 }]);
    positions.seed('t', 1, '40', '38');
    positions.seed('t', 0, '3', '0');
    expect(positions.snapshot()).toEqual([{ topic: 't', partition: 1, highWatermark: '40', nextOffset: '38', lagMessages: 2, oldestUnprocessedTimestampMs: null }]);
  });
});
