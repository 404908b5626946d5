import type { PoolClient } from "pg";
import type { EpochMs } from "../../model/index.js";
import type { ItemContentParams } from "../rows/item-row.js";
import { chunks } from "./chunks.js";

/** How many rows one write statement binds. */
const WRITE_CHUNK = 1_000;

/** A new item's content plus the dates resolved when it was first stored. */
export interface NewItemRow extends ItemContentParams {
  readonly published: number;
  readonly updated: number;
}

/** A stored item's new content; `published` and `first_seen` never change. */
export interface ContentUpdateRow extends ItemContentParams {
  readonly updated: number;
}

/**
 * The writes one transaction plans, item by item, then sends as a few set-based statements
 * (unnest of one array per column), so committing 200,000 items is a few hundred round trips,
 * not a million.
 */
export class ItemWrites {
  readonly #inserts: NewItemRow[] = [];
  readonly #contentUpdates = new Map<string, ContentUpdateRow>();
  readonly #touched = new Set<string>();
  readonly #contributions = new Map<string, { itemId: string; sourceId: string; categories: readonly string[] }>();
  readonly #slugs = new Map<string, { slugs: readonly string[]; published: number }>();
  readonly #aliases = new Map<string, string>();
  readonly #departures = new Map<string, { slug: string; kind: string }>();

  insertItem(row: NewItemRow): void {
    this.#inserts.push(row);
  }

  updateContent(row: ContentUpdateRow): void {
    this.#contentUpdates.set(row.id, row);
  }

  /** Mark a stored item changed (`changed_at = now`) without new content. */
  touch(itemId: string): void {
    this.#touched.add(itemId);
  }

  saveContribution(itemId: string, sourceId: string, categories: readonly string[]): void {
    // Keyed so a later call for the same pair replaces the earlier one: ON CONFLICT cannot
    // touch one row twice in a statement.
    this.#contributions.set(JSON.stringify([itemId, sourceId]), { itemId, sourceId, categories });
  }

  replaceSlugs(itemId: string, slugs: readonly string[], published: number): void {
    this.#slugs.set(itemId, { slugs, published });
  }

  /** Record another name of an item (not content: it changes no feed). The last item to claim an alias wins. */
  saveAlias(alias: string, itemId: string): void {
    // Keyed by alias: ON CONFLICT cannot touch one row twice in a statement.
    this.#aliases.set(alias, itemId);
  }

  /** Record that an item of this kind left the feed of this category (stamped `now` on flush). */
  recordDeparture(slug: string, kind: string): void {
    // Keyed by (slug, kind): ON CONFLICT cannot touch one row twice in a statement.
    this.#departures.set(JSON.stringify([slug, kind]), { slug, kind });
  }

  /** Send every planned write; new rows first, since the other tables reference items. */
  async flush(client: PoolClient, now: EpochMs): Promise<void> {
    await this.#flushInserts(client, now);
    await this.#flushContentUpdates(client, now);
    await this.#flushTouches(client, now);
    await this.#flushContributions(client);
    await this.#flushSlugs(client);
    await this.#flushAliases(client);
    await this.#flushDepartures(client, now);
  }

  async #flushDepartures(client: PoolClient, now: EpochMs): Promise<void> {
    const rows = [...this.#departures.values()];
    if (rows.length === 0) return;
    // Departures only move forward: another instance's clock may lag this one's.
    await client.query(
      `INSERT INTO feed_departures (slug, kind, departed_at)
       SELECT t.slug, t.kind, $3::bigint FROM unnest($1::text[], $2::text[]) AS t(slug, kind)
       ON CONFLICT (slug, kind) DO UPDATE SET departed_at = GREATEST(feed_departures.departed_at, excluded.departed_at)`,
      [rows.map((r) => r.slug), rows.map((r) => r.kind), now],
    );
  }

  async #flushAliases(client: PoolClient): Promise<void> {
    for (const rows of chunks([...this.#aliases.entries()], WRITE_CHUNK)) {
      await client.query(
        `INSERT INTO item_aliases (alias, item_id)
         SELECT * FROM unnest($1::text[], $2::text[])
         ON CONFLICT (alias) DO UPDATE SET item_id = excluded.item_id`,
        [rows.map(([alias]) => alias), rows.map(([, itemId]) => itemId)],
      );
    }
  }

  async #flushInserts(client: PoolClient, now: EpochMs): Promise<void> {
    for (const rows of chunks(this.#inserts, WRITE_CHUNK)) {
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

  async #flushContentUpdates(client: PoolClient, now: EpochMs): Promise<void> {
    for (const rows of chunks([...this.#contentUpdates.values()], WRITE_CHUNK)) {
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

  async #flushTouches(client: PoolClient, now: EpochMs): Promise<void> {
    const ids = [...this.#touched].filter((id) => !this.#contentUpdates.has(id));
    for (const chunk of chunks(ids, WRITE_CHUNK)) {
      await client.query("UPDATE items SET changed_at = $1 WHERE id = ANY($2::text[])", [now, chunk]);
    }
  }

  async #flushContributions(client: PoolClient): Promise<void> {
    for (const rows of chunks([...this.#contributions.values()], WRITE_CHUNK)) {
      await client.query(
        `INSERT INTO item_sources (item_id, source_id, categories)
         SELECT t.item_id, t.source_id, t.categories::jsonb
         FROM unnest($1::text[], $2::text[], $3::text[]) AS t(item_id, source_id, categories)
         ON CONFLICT (item_id, source_id) DO UPDATE SET categories = excluded.categories`,
        [rows.map((r) => r.itemId), rows.map((r) => r.sourceId), rows.map((r) => JSON.stringify(r.categories))],
      );
    }
  }

  async #flushSlugs(client: PoolClient): Promise<void> {
    for (const entries of chunks([...this.#slugs.entries()], WRITE_CHUNK)) {
      await client.query("DELETE FROM item_categories WHERE item_id = ANY($1::text[])", [entries.map(([id]) => id)]);
      const rows = entries.flatMap(([itemId, { slugs, published }]) =>
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
