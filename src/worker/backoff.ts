import type { EpochMs } from "../model/index.js";

export interface BackoffPolicy {
  /** First retry delay after one failure. */
  readonly baseMs: number;
  /** Upper bound for the delay, however many failures. */
  readonly capMs: number;
}

/**
 * When a failing source may be tried again: exponential in the number of consecutive
 * failures, with "equal jitter" (half fixed, half random) so many failing sources do not retry in lockstep.
 * An upstream Retry-After (RFC 9110 §10.2.3) wins when it asks for longer, but never beyond the
 * cap: a misconfigured upstream asking for a week must not silence a source ops expect back
 * within `defaults.backoff.cap`.
 */
export function nextAttemptAfterFailure(
  now: EpochMs,
  consecutiveFailures: number,
  policy: BackoffPolicy,
  random: () => number,
  retryAfterMs?: number,
): EpochMs {
  const exponent = Math.max(0, consecutiveFailures - 1);
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(exponent, 30));
  const delay = ceiling / 2 + random() * (ceiling / 2);
  const upstreamAsked = Math.min(retryAfterMs ?? 0, policy.capMs);
  return Math.round(now + Math.max(delay, upstreamAsked));
}
