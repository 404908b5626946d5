import type { PoolClient } from "pg";
import type { EpochMs } from "../../model/index.js";
import type { ItemContentParams } from "../rows/item-row.js";
import type { WritePlan } from "../rows/item-plan.js";
import { chunks } from "../rows/chunks.js";

/** How many rows one write statement binds. */
const WRITE_CHUNK = 1_000;

/**
 * Send every planned write as a few set-based statements (unnest of one array per column), so
 * committing 200,000 items is a few hundred round trips, not a million. New rows first, since
 * the other tables reference items.
 */
export async function flushWrites(client: PoolClient, writes: WritePlan, now: EpochMs): Promise<void> {
  await flushInserts(client, writes, now);
  await flushContentUpdates(client, writes, now);
  await flushTouches(client, writes, now);
  await flushContributions(client, writes);
  await flushSlugs(client, writes);
  await flushAliases(client, writes);
  await flushDepartures(client, writes, now);
}

async function flushDepartures(client: PoolClient, writes: WritePlan, now: EpochMs): Promise<void> {
  const rows = writes.departures();
  if (rows.length === 0) return;
  // Departures only move forward: another instance's clock may lag this one's.
  await client.query(
    `INSERT INTO feed_departures (slug, kind, departed_at)
     SELECT t.slug, t.kind, $3::bigint FROM unnest($1::text[], $2::text[]) AS t(slug, kind)
     ON CONFLICT (slug, kind) DO UPDATE SET departed_at = GREATEST(feed_departures.departed_at, excluded.departed_at)`,
    [rows.map((r) => r.slug), rows.map((r) => r.kind), now],
  );
}

async function flushAliases(client: PoolClient, writes: WritePlan): Promise<void> {
  for (const rows of chunks(writes.aliases(), WRITE_CHUNK)) {
    await client.query(
      `INSERT INTO item_aliases (alias, item_id)
       SELECT * FROM unnest($1::text[], $2::text[])
       ON CONFLICT (alias) DO UPDATE SET item_id = excluded.item_id`,
      [rows.map((r) => r.alias), rows.map((r) => r.itemId)],
    );
  }
}

async function flushInserts(client: PoolClient, writes: WritePlan, now: EpochMs): Promise<void> {
  for (const rows of chunks(writes.inserts(), WRITE_CHUNK)) {
    await client.query(
      `INSERT INTO items
         (id, source_id, kind, url, title, summary, content_html, authors, tags, enclosures, image_url, language,
          published, updated, first_seen, changed_at, content_hash)
       SELECT t.id, t.source_id, t.kind, t.url, t.title, t.summary, t.content_html, t.authors::jsonb, t.tags::jsonb,
              t.enclosures::jsonb, t.image_url, t.language, t.published, t.updated, $16, $16, t.content_hash
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                   $9::text[], $10::text[], $11::text[], $12::text[], $13::bigint[], $14::bigint[], $15::text[])
         AS t(id, source_id, kind, url, title, summary, content_html, authors, tags, enclosures, image_url, language,
              published, updated, content_hash)`,
      [
        ...contentColumns(rows),
        rows.map((r) => r.published),
        rows.map((r) => r.updated),
        rows.map((r) => r.content_hash),
        now,
      ],
    );
  }
}

async function flushContentUpdates(client: PoolClient, writes: WritePlan, now: EpochMs): Promise<void> {
  for (const rows of chunks(writes.contentUpdates(), WRITE_CHUNK)) {
    await client.query(
      `UPDATE items AS i SET
         kind = t.kind, url = t.url, title = t.title, summary = t.summary, content_html = t.content_html,
         authors = t.authors::jsonb, tags = t.tags::jsonb, enclosures = t.enclosures::jsonb, image_url = t.image_url,
         language = t.language, updated = t.updated, changed_at = $15, content_hash = t.content_hash
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                   $9::text[], $10::text[], $11::text[], $12::text[], $13::bigint[], $14::text[])
         AS t(id, source_id, kind, url, title, summary, content_html, authors, tags, enclosures, image_url, language,
              updated, content_hash)
       WHERE i.id = t.id`,
      [...contentColumns(rows), rows.map((r) => r.updated), rows.map((r) => r.content_hash), now],
    );
  }
}

async function flushTouches(client: PoolClient, writes: WritePlan, now: EpochMs): Promise<void> {
  for (const chunk of chunks(writes.touches(), WRITE_CHUNK)) {
    await client.query("UPDATE items SET changed_at = $1 WHERE id = ANY($2::text[])", [now, chunk]);
  }
}

async function flushContributions(client: PoolClient, writes: WritePlan): Promise<void> {
  for (const rows of chunks(writes.contributions(), WRITE_CHUNK)) {
    await client.query(
      `INSERT INTO item_sources (item_id, source_id, categories)
       SELECT t.item_id, t.source_id, t.categories::jsonb
       FROM unnest($1::text[], $2::text[], $3::text[]) AS t(item_id, source_id, categories)
       ON CONFLICT (item_id, source_id) DO UPDATE SET categories = excluded.categories`,
      [rows.map((r) => r.itemId), rows.map((r) => r.sourceId), rows.map((r) => JSON.stringify(r.categories))],
    );
  }
}

async function flushSlugs(client: PoolClient, writes: WritePlan): Promise<void> {
  for (const replacements of chunks(writes.slugReplacements(), WRITE_CHUNK)) {
    await client.query("DELETE FROM item_categories WHERE item_id = ANY($1::text[])", [
      replacements.map((r) => r.itemId),
    ]);
    const rows = replacements.flatMap(({ itemId, slugs, published }) =>
      slugs.map((slug) => ({ itemId, slug, published })),
    );
    if (rows.length === 0) continue;
    await client.query(
      `INSERT INTO item_categories (item_id, slug, published)
       SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])`,
      [rows.map((r) => r.itemId), rows.map((r) => r.slug), rows.map((r) => r.published)],
    );
  }
}

/** The twelve content columns shared by insert and update, as one array per column. */
function contentColumns(rows: readonly ItemContentParams[]): unknown[][] {
  return [
    rows.map((r) => r.id),
    rows.map((r) => r.source_id),
    rows.map((r) => r.kind),
    rows.map((r) => r.url),
    rows.map((r) => r.title),
    rows.map((r) => r.summary),
    rows.map((r) => r.content_html),
    rows.map((r) => r.authors),
    rows.map((r) => r.tags),
    rows.map((r) => r.enclosures),
    rows.map((r) => r.image_url),
    rows.map((r) => r.language),
  ];
}
