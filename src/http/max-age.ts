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
 * defeat caching entirely. `nextRun`: the soonest source run after `now` (app/soonest-run.ts),
 * undefined when none is due within the upper bound.
 */
export function maxAgeSeconds(nextRun: EpochMs | undefined, now: EpochMs, bounds: FreshnessBounds): number {
  const untilNext = nextRun === undefined || nextRun <= now ? bounds.maxSeconds : Math.ceil((nextRun - now) / 1000);
  return Math.min(bounds.maxSeconds, Math.max(bounds.minSeconds, untilNext));
}
