/** Reconnect timing: exponential backoff with full jitter, never below a server's `retry:` delay. */
export interface BackoffPolicy {
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * Delay before reconnect attempt `attempt` (1-based): random in [0, min(max, base × 2^(attempt−1))]
 * ("full jitter", so clients dropped together do not come back together), raised to the server's
 * requested delay when it sent one, all capped at `maxDelayMs`.
 */
export function reconnectDelayMs(policy: BackoffPolicy, attempt: number, serverRetryMs?: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.round(random() * ceiling);
  return Math.min(policy.maxDelayMs, Math.max(jittered, serverRetryMs ?? 0));
}
