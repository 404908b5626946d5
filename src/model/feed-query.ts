import type { ItemKind } from "./item.js";

/** What a feed URL asks for, after validation. */
export interface FeedQuery {
  /** Category slugs to union; empty means every item (`all`). */
  readonly categories: readonly string[];
  readonly kind?: ItemKind;
  /** 1..500 */
  readonly limit: number;
  /** 1-based page number (RFC 5005 paging). */
  readonly page: number;
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;
