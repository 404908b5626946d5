/** Rules every Store implementation applies the same way, whatever the database. */
import type { ClassifiedItem, EpochMs, FeedQuery, Retention } from "../../model/index.js";
import { MAX_LIMIT } from "../../model/index.js";
import { StoreError } from "../store-error.js";

/** A feed re-fetch may list one story twice; the first (newest-listed) copy is the one stored. */
export function firstOfEachId(items: readonly ClassifiedItem[]): ClassifiedItem[] {
  const byId = new Map<string, ClassifiedItem>();
  for (const item of items) if (!byId.has(item.id)) byId.set(item.id, item);
  return [...byId.values()];
}

/** An item's aliases worth storing: each once, never its own id (knownIds finds that anyway). */
export function aliasesOf(item: ClassifiedItem): string[] {
  return [...new Set(item.aliases ?? [])].filter((alias) => alias !== item.id && alias !== "");
}

/**
 * The dates of an item stored for the first time. Never invent "now" as a publication date: an
 * undated item is dated by when we first saw it, once (docs/ARCHITECTURE.md). `updated` is never
 * earlier than `published`.
 */
export function firstStoredDates(item: ClassifiedItem, now: EpochMs): { published: EpochMs; updated: EpochMs } {
  const published = item.published ?? now;
  return { published, updated: Math.max(item.updated ?? published, published) };
}

/** `updated` of a stored item whose content changed: the upstream's, else now; never before its kept `published`. */
export function changedContentUpdated(item: ClassifiedItem, storedPublished: EpochMs, now: EpochMs): EpochMs {
  return Math.max(item.updated ?? now, storedPublished);
}

/** A category list as both stores keep it: each slug once, sorted. */
export function uniqueSlugs(slugs: readonly string[]): string[] {
  return [...new Set(slugs)].sort();
}

/** SourceRunRecord validators: undefined keeps the stored value, null clears it, a value replaces it. */
export function nextValue<T>(given: T | null | undefined, stored: T | null): T | null {
  return given === undefined ? stored : given;
}

export function checkQuery(query: FeedQuery): void {
  if (!Number.isSafeInteger(query.limit) || query.limit < 1 || query.limit > MAX_LIMIT) {
    throw new StoreError(`store: feed limit must be an integer from 1 to ${MAX_LIMIT}, got ${query.limit}`);
  }
  if (!Number.isSafeInteger(query.page) || query.page < 1) {
    throw new StoreError(`store: feed page must be a positive integer, got ${query.page}`);
  }
  if (query.before !== undefined && query.page !== 1) {
    throw new StoreError(`store: a feed query takes a page number or a cursor, not both (page ${query.page})`);
  }
}

export function checkRetention(retention: Retention): void {
  const { maxItemsPerSource, maxAgeMs } = retention;
  const countOk = maxItemsPerSource === Infinity || (Number.isSafeInteger(maxItemsPerSource) && maxItemsPerSource >= 0);
  if (!countOk) {
    throw new StoreError(`store: retention maxItemsPerSource must be a whole number ≥ 0, got ${maxItemsPerSource}`);
  }
  if (Number.isNaN(maxAgeMs) || maxAgeMs < 0) {
    throw new StoreError(`store: retention maxAgeMs must be ≥ 0, got ${maxAgeMs}`);
  }
}
