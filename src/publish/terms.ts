import type { StoredItem } from "../model/index.js";

/**
 * The category terms every format writes for an item: our own category slugs first (what the
 * subscriber filtered on), then the upstream tags as given, without case-insensitive duplicates
 * (a slug `technology` and a tag `Technology` are one term) and without empty strings.
 */
export function itemTerms(item: StoredItem): string[] {
  const seen = new Set<string>();
  const terms: string[] = [];
  for (const term of [...item.categories, ...item.tags]) {
    const trimmed = term.trim();
    const key = trimmed.toLowerCase();
    if (trimmed === "" || seen.has(key)) continue;
    seen.add(key);
    terms.push(trimmed);
  }
  return terms;
}
