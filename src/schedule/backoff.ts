/**
 * When a feed is polled next. Pure: the caller passes the time and a random source.
 *
 * A healthy feed comes back after its interval, shifted by up to ±jitter so feeds sharing an
 * interval do not all fire in the same second. A failing one backs off exponentially
 * (interval × 2^(failures−1), capped), never sooner than the server's Retry-After, and is
 * disabled after too many consecutive failures or at once when the server says it is gone (410).
 */
export interface BackoffPolicy {
  intervalMs: number;
  minIntervalMs: number;
  maxBackoffMs: number;
  jitter: number;
  disableAfterFailures: number;
}

/** Next poll time after a success. */
export function nextPollAfterSuccess(
  now: number,
  policy: BackoffPolicy,
  random: () => number,
): number {
  const interval = Math.max(policy.intervalMs, policy.minIntervalMs);
  const shift = (random() * 2 - 1) * policy.jitter * interval;
  return Math.round(now + interval + shift);
}

export interface FailureDecision {
  nextPollAt: number;
  disable: boolean;
}

/** Next poll time (and whether to give up) after the `failures`-th consecutive failure. */
export function nextPollAfterFailure(
  now: number,
  failures: number,
  policy: BackoffPolicy,
  options: { retryAfterMs?: number | null; status?: number | null } = {},
): FailureDecision {
  const interval = Math.max(policy.intervalMs, policy.minIntervalMs);
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  const backoff = Math.min(interval * 2 ** exponent, policy.maxBackoffMs);
  const delay = Math.max(backoff, options.retryAfterMs ?? 0);
  return {
    nextPollAt: now + delay,
    disable: options.status === 410 || failures >= policy.disableAfterFailures,
  };
}
