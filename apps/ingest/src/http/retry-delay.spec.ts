import { parseRetryAfter, retryDelayMs } from './retry-delay';

const policy = { limit: 4, baseDelayMs: 500, maxDelayMs: 30_000 };

describe('retryDelayMs', () => {
  it.each([
    [1, 500],
    [2, 1000],
    [3, 2000],
    [10, 30_000],
  ])('caps attempt %i at %i ms', (attempt, ceiling) => {
    expect(retryDelayMs(policy, attempt, undefined, () => 1)).toBe(ceiling);
    expect(retryDelayMs(policy, attempt, undefined, () => 0)).toBe(0);
  });

  it('honours Retry-After, capped by the maximum delay', () => {
    expect(retryDelayMs(policy, 1, 2000)).toBe(2000);
    expect(retryDelayMs(policy, 1, 120_000)).toBe(30_000);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
  });
  it('ignores what it cannot read', () => {
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
