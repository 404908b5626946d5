/**
 * Feed departures: when an item last left a feed. A feed's Last-Modified is when its
 * representation last changed (RFC 9110 §8.8.2); an item leaving changes it, yet no item left
 * on the page records that, so the store keeps the time per (category slug, item kind).
 */
import type { FeedQuery } from "../../model/index.js";

/** The slug recorded for an item deleted from the store: it left `all` (and every category). */
export const STORE_SLUG = "*";

/** The slugs whose departures change this query's feed: its categories, or "*" for `all`. */
export function departureSlugs(query: FeedQuery): string[] {
  return query.categories.length === 0 ? [STORE_SLUG] : [...query.categories];
}

/** The slugs an item left when its categories went from `before` to `after`. */
export function leftSlugs(before: readonly string[], after: readonly string[]): string[] {
  const kept = new Set(after);
  return before.filter((slug) => !kept.has(slug));
}
