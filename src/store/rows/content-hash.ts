import { createHash } from "node:crypto";
import type { CollectedItem } from "../../model/index.js";

/**
 * A digest of everything upstream told us about an item, so a re-fetch of the same story is
 * recognised as unchanged without comparing column by column. Categories are compared as a set
 * on their own (they live in item_categories and are also changed by reclassification), and
 * `published` is left out on purpose: it is stored once and never changes.
 */
export function contentHash(item: CollectedItem): string {
  const canonical = [
    item.kind,
    item.title,
    item.url ?? null,
    item.summary ?? null,
    item.contentHtml ?? null,
    item.authors.map((a) => [a.name, a.email ?? null, a.url ?? null]),
    item.tags,
    item.enclosures.map((e) => [e.url, e.type, e.length ?? null]),
    item.imageUrl ?? null,
    item.language ?? null,
    item.updated ?? null,
  ];
  return createHash("sha256").update(JSON.stringify(canonical)).digest("base64url");
}
