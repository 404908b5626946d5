/** Rules every Store implementation applies the same way, whatever the database. */
import type { ClassifiedItem, FeedQuery, Retention } from "../../model/index.js";
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
