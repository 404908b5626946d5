import type Database from "better-sqlite3";
import type { EpochMs, ItemKind } from "../../model/index.js";
import { chunks } from "../rows/chunks.js";
import { contributionSlugs, type KnownItem, type WritePlan } from "../rows/item-plan.js";
import { uniqueSlugs } from "../rows/run-rules.js";
import { StoreError } from "../store-error.js";

/** How many ids one lookup binds (as one JSON array). */
const READ_CHUNK = 5_000;

/**
 * Departures only move forward: another instance's clock may lag this one's. Shared with the
 * story writes, which record the feeds a story left the same way.
 */
export const RECORD_DEPARTURE_SQL = `INSERT INTO feed_departures (slug, kind, departed_at) VALUES (@slug, @kind, @now)
  ON CONFLICT (slug, kind) DO UPDATE SET departed_at = max(departed_at, excluded.departed_at)`;

/**
 * The SQLite side of the item write plan (src/store/rows/item-plan.ts): the stored state of a
 * batch of ids read with three set-based queries per chunk, and a plan's writes sent through
 * prepared statements, inside the caller's transaction.
 */
export class SqliteItemWrites {
  readonly #db: Database.Database;
  readonly #sql: ReturnType<typeof prepare>;
  /** feed_departures (migration 5) is prepared on first use: a legacy handle may predate it. */
  #recordDeparture: Database.Statement<[{ slug: string; kind: ItemKind; now: number }]> | undefined;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#sql = prepare(db);
  }

  /**
   * The stored state of these ids; unknown ids are simply absent from the map. One statement per
   * chunk, each item's contributions and categories aggregated in its row and read as arrays:
   * measured on a loaded 2-core machine (5,000 ids, in a transaction), three json_each queries
   * returning objects cost about 1.5 times the CPU of this, and twice the per-item lookups
   * this load replaced.
   */
  load(ids: readonly string[]): Map<string, KnownItem> {
    const known = new Map<string, KnownItem>();
    for (const chunk of chunks(ids, READ_CHUNK)) {
      for (const [id, sourceId, published, hash, kind, contributions, slugs] of this.#sql.known.all(
        JSON.stringify(chunk),
      )) {
        known.set(id, {
          sourceId,
          published,
          contentHash: hash,
          kind,
          contributions: contributionsOf(id, contributions),
          slugs: slugs === null ? [] : categoriesOf(id, slugs),
        });
      }
    }
    return known;
  }

  /** Send every planned write; new rows first, since the other tables reference items. */
  flush(writes: WritePlan, now: EpochMs): void {
    for (const row of writes.inserts()) this.#sql.insertItem.run({ ...row, first_seen: now, changed_at: now });
    for (const row of writes.contentUpdates()) this.#sql.updateItemContent.run({ ...row, changed_at: now });
    for (const id of writes.touches()) this.#sql.touchItem.run(now, id);
    for (const { itemId, sourceId, categories } of writes.contributions()) {
      this.#sql.saveContribution.run(itemId, sourceId, JSON.stringify(categories));
    }
    for (const { itemId, slugs, published } of writes.slugReplacements()) {
      this.#sql.deleteSlugs.run(itemId);
      for (const slug of slugs) this.#sql.insertSlug.run(itemId, slug, published);
    }
    for (const { alias, itemId } of writes.aliases()) this.#sql.saveAlias.run(alias, itemId);
    const departures = writes.departures();
    if (departures.length === 0) return;
    this.#recordDeparture ??= this.#db.prepare(RECORD_DEPARTURE_SQL);
    for (const { slug, kind } of departures) this.#recordDeparture.run({ slug, kind, now });
  }
}

/** `[source, [slugs], source, [slugs], …]` as the load statement aggregates item_sources. */
function contributionsOf(itemId: string, text: string | null): Map<string, readonly string[]> {
  const contributions = new Map<string, readonly string[]>();
  if (text === null) return contributions;
  const flat = parsed(itemId, "item_sources.categories", text);
  if (!Array.isArray(flat)) {
    throw new StoreError(`store: item ${JSON.stringify(itemId)} has an unreadable item_sources.categories column`);
  }
  for (let index = 0; index + 1 < flat.length; index += 2) {
    contributions.set(String(flat[index]), contributionSlugs(itemId, flat[index + 1]));
  }
  return contributions;
}

/** The item's categories, as json_group_array gives them. */
function categoriesOf(itemId: string, text: string): string[] {
  const slugs = parsed(itemId, "item_categories", text);
  if (!Array.isArray(slugs) || !slugs.every((slug): slug is string => typeof slug === "string")) {
    throw new StoreError(`store: item ${JSON.stringify(itemId)} has unreadable item_categories rows`);
  }
  return uniqueSlugs(slugs);
}

function parsed(itemId: string, column: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new StoreError(`store: item ${JSON.stringify(itemId)} has an unreadable ${column} column`, { cause });
  }
}

function prepare(db: Database.Database) {
  return {
    // The aggregates are built as JSON text: item_sources.categories is our own JSON.stringify
    // output, so a damaged row fails JSON.parse with the item named rather than the statement.
    known: db
      .prepare<[string], [string, string, number, string, ItemKind, string | null, string | null]>(
        `SELECT i.id, i.source_id, i.published, i.content_hash, i.kind,
           (SELECT '[' || group_concat(json_quote(s.source_id) || ',' || s.categories) || ']'
            FROM item_sources s WHERE s.item_id = i.id),
           (SELECT json_group_array(c.slug) FROM item_categories c WHERE c.item_id = i.id)
         FROM json_each(?) j JOIN items i ON i.id = j.value`,
      )
      .raw(),
    insertItem: db.prepare(`INSERT INTO items
      (id, source_id, kind, url, title, summary, content_html, authors, tags, enclosures, image_url, language,
       published, updated, first_seen, changed_at, content_hash)
      VALUES (@id, @source_id, @kind, @url, @title, @summary, @content_html, @authors, @tags, @enclosures,
       @image_url, @language, @published, @updated, @first_seen, @changed_at, @content_hash)`),
    updateItemContent: db.prepare(`UPDATE items SET
      kind = @kind, url = @url, title = @title, summary = @summary, content_html = @content_html,
      authors = @authors, tags = @tags, enclosures = @enclosures, image_url = @image_url, language = @language,
      updated = @updated, changed_at = @changed_at, content_hash = @content_hash
      WHERE id = @id`),
    touchItem: db.prepare<[number, string]>("UPDATE items SET changed_at = ? WHERE id = ?"),
    saveContribution: db.prepare<[string, string, string]>(
      `INSERT INTO item_sources (item_id, source_id, categories) VALUES (?, ?, ?)
       ON CONFLICT (item_id, source_id) DO UPDATE SET categories = excluded.categories`,
    ),
    deleteSlugs: db.prepare<[string]>("DELETE FROM item_categories WHERE item_id = ?"),
    insertSlug: db.prepare<[string, string, number]>(
      "INSERT INTO item_categories (item_id, slug, published) VALUES (?, ?, ?)",
    ),
    // The newest pass's item wins an alias: a listing link whose page now declares another canonical URL.
    saveAlias: db.prepare<[string, string]>(
      "INSERT INTO item_aliases (alias, item_id) VALUES (?, ?) ON CONFLICT (alias) DO UPDATE SET item_id = excluded.item_id",
    ),
  };
}
