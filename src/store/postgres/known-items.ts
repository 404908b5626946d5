import type { PoolClient } from "pg";
import { chunks } from "../rows/chunks.js";
import type { ItemKind } from "../../model/index.js";
import { contributionSlugs, type KnownItem } from "../rows/item-plan.js";
import { uniqueSlugs } from "../rows/run-rules.js";

/** How many ids one lookup binds. */
const READ_CHUNK = 5_000;

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
      known.get(row.item_id)?.contributions.set(row.source_id, contributionSlugs(row.item_id, row.categories));
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
