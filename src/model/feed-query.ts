import type { EpochMs, ItemKind } from "./item.js";

/**
 * A position in a feed's order (newest first; ties broken by id, descending): the page holds the
 * items strictly after it. Unlike a page number it does not shift when new items arrive, so a
 * reader following `next` sees every item exactly once (RFC 5005 §3).
 */
export interface FeedCursor {
  readonly published: EpochMs;
  readonly id: string;
}

/** What a feed URL asks for, after validation. */
export interface FeedQuery {
  /** Category slugs to union; empty means every item (`all`). */
  readonly categories: readonly string[];
  readonly kind?: ItemKind | undefined;
  /** 1..500 */
  readonly limit: number;
  /** 1-based page number (RFC 5005 paging); 1 when `before` is given. */
  readonly page: number;
  /** Only items after this position (the `before` cursor of a `next` link). */
  readonly before?: FeedCursor;
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;
