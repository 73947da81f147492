import { reconnectDelayMs } from './backoff';

describe('reconnectDelayMs', () => {
  const policy = { baseDelayMs: 100, maxDelayMs: 5000 };

  it('doubles the ceiling per attempt, with full jitter, up to the cap', () => {
    expect([1, 2, 3, 10].map((attempt) => reconnectDelayMs(policy, attempt, undefined, () => 1))).toEqual([100, 200, 400, 5000]);
    expect(reconnectDelayMs(policy, 3, undefined, () => 0)).toBe(0);
  });

  it("honours the server's retry delay, capped", () => {
    expect(reconnectDelayMs(policy, 1, 3000, () => 0.5)).toBe(3000);
    expect(reconnectDelayMs(policy, 1, 60_000, () => 0.5)).toBe(5000);
  });
});
