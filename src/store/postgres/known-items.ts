import type { PoolClient } from "pg";
import { StoreError } from "../store-error.js";
import { chunks } from "./chunks.js";
import type { ItemKind } from "../../model/index.js";
import { leftSlugs } from "../rows/departures.js";
import { uniqueSlugs } from "../rows/run-rules.js";
import type { ItemWrites } from "./item-writes.js";

/** How many ids one lookup binds. */
const READ_CHUNK = 5_000;

/** What a write needs to know about a stored item, kept current as the write plans changes. */
export interface KnownItem {
  /** The source that stored the item first: it owns content and retention. */
  readonly sourceId: string;
  readonly published: number;
  readonly contentHash: string;
  /** As stored: the kind whose filtered feeds the item leaves when it loses a category. */
  readonly kind: ItemKind;
  /** Each carrying source's latest classification, sorted and unique. */
  readonly contributions: Map<string, readonly string[]>;
  /** The item's categories: the union of the contributions, sorted. */
  slugs: readonly string[];
}

/**
 * Load the stored state of these ids with three set-based queries per chunk instead of three
 * queries per item. Unknown ids are simply absent from the map.
 */
export async function loadKnownItems(client: PoolClient, ids: readonly string[]): Promise<Map<string, KnownItem>> {
  const known = new Map<string, KnownItem>();
  for (const chunk of chunks(ids, READ_CHUNK)) {
    const items = await client.query<{
      id: string;
      source_id: string;
      published: number;
      content_hash: string;
      kind: ItemKind;
    }>("SELECT id, source_id, published, content_hash, kind FROM items WHERE id = ANY($1::text[])", [chunk]);
    for (const row of items.rows) {
      known.set(row.id, {
        sourceId: row.source_id,
        published: row.published,
        contentHash: row.content_hash,
        kind: row.kind,
        contributions: new Map(),
        slugs: [],
      });
    }
    const contributions = await client.query<{ item_id: string; source_id: string; categories: unknown }>(
      "SELECT item_id, source_id, categories FROM item_sources WHERE item_id = ANY($1::text[])",
      [chunk],
    );
    for (const row of contributions.rows) {
      known.get(row.item_id)?.contributions.set(row.source_id, slugList(row.item_id, row.categories));
    }
    const slugs = await client.query<{ item_id: string; slugs: string[] }>(
      `SELECT item_id, array_agg(slug ORDER BY slug) AS slugs FROM item_categories
       WHERE item_id = ANY($1::text[]) GROUP BY item_id`,
      [chunk],
    );
    for (const row of slugs.rows) {
      const item = known.get(row.item_id);
      if (item !== undefined) item.slugs = uniqueSlugs(row.slugs);
    }
  }
  return known;
}

/**
 * Record one source's classification of a stored item. The item's categories are the union of
 * every carrying source's latest classification; returns the old and new union when it changed
 * (and queues the new union and the feeds the item left), undefined when the item's categories
 * stay as they are.
 */
export function contribute(
  item: KnownItem,
  itemId: string,
  sourceId: string,
  categories: readonly string[],
  writes: ItemWrites,
): { before: readonly string[]; after: readonly string[] } | undefined {
  const previous = item.contributions.get(sourceId);
  if (previous !== undefined && sameList(previous, categories)) return undefined;
  item.contributions.set(sourceId, categories);
  writes.saveContribution(itemId, sourceId, categories);
  const before = item.slugs;
  const after = uniqueSlugs([...item.contributions.values()].flat());
  if (sameList(before, after)) return undefined;
  item.slugs = after;
  writes.replaceSlugs(itemId, after, item.published);
  for (const slug of leftSlugs(before, after)) writes.recordDeparture(slug, item.kind);
  return { before, after };
}

/** Both lists are sorted and unique, so element-wise equality is set equality. */
function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((slug, index) => slug === b[index]);
}

function slugList(itemId: string, value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((slug): slug is string => typeof slug === "string")) {
    throw new StoreError(`store: item ${JSON.stringify(itemId)} has an unreadable item_sources.categories column`);
  }
  return uniqueSlugs(value);
}
