import type { CollectedItem, EpochMs, Retention } from "../model/index.js";

/**
 * The items of one pass that retention would keep: none published before `now - maxAge`, and
 * only the newest `maxItemsPerSource` (by published date, then id, the order the store prunes
 * in). Committing anything else is churn: the store inserts it, prune deletes it, and the next
 * pass inserts it again, so an unchanged upstream would "change" the store on every pass (cache
 * flush, snapshot rewrite, WebSub ping). Undated items count as published `now`, the first-seen
 * date the store gives a new one. The first copy of a repeated id is the one kept, as the store does.
 */
export function withinRetention<T extends CollectedItem>(items: readonly T[], retention: Retention, now: EpochMs): T[] {
  const cutoff = now - retention.maxAgeMs;
  const seen = new Set<string>();
  const candidates: T[] = [];
  for (const item of items) {
    if (seen.has(item.id)) continue;
    seen.add(item.id);
    if ((item.published ?? now) >= cutoff) candidates.push(item);
  }
  if (candidates.length <= retention.maxItemsPerSource) return candidates;
  const kept = new Set(
    [...candidates]
      .sort((a, b) => (b.published ?? now) - (a.published ?? now) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .slice(0, retention.maxItemsPerSource),
  );
  return candidates.filter((item) => kept.has(item));
}
