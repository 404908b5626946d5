/**
 * The freshness policy of feed responses (RFC 9111 §5.2.2.1 max-age), pure: the composition
 * (app/freshness.ts) finds when sources are next due, this decides what that means for caches.
 */
import type { EpochMs } from "../model/index.js";

export interface FreshnessBounds {
  readonly minSeconds: number;
  readonly maxSeconds: number;
}

/**
 * `Cache-Control: max-age`: until the next source is due to run (nothing can change before),
 * bounded so a long schedule does not pin stale copies in caches and a due-now source does not
 * defeat caching entirely.
 */
export function maxAgeSeconds(
  nextRuns: readonly (EpochMs | undefined)[],
  now: EpochMs,
  bounds: FreshnessBounds,
): number {
  // A loop, not Math.min(...list): one argument per source (10,000 in bench/scale) every second.
  let soonest = Infinity;
  for (const at of nextRuns) if (at !== undefined && at > now && at < soonest) soonest = at;
  const untilNext = soonest === Infinity ? bounds.maxSeconds : Math.ceil((soonest - now) / 1000);
  return Math.min(bounds.maxSeconds, Math.max(bounds.minSeconds, untilNext));
}
