/**
 * The SQLite schema as an ordered, append-only list. A released migration is never edited:
 * a change to the schema is a new entry with the next version.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "items, categories, item sources, source state, revision",
    sql: `
      CREATE TABLE items (
        id            TEXT PRIMARY KEY,
        source_id     TEXT NOT NULL,
        kind          TEXT NOT NULL CHECK (kind IN ('article', 'ticker')),
        url           TEXT,
        title         TEXT NOT NULL,
        summary       TEXT,
        content_html  TEXT,
        authors       TEXT NOT NULL DEFAULT '[]',
        tags          TEXT NOT NULL DEFAULT '[]',
        enclosures    TEXT NOT NULL DEFAULT '[]',
        image_url     TEXT,
        language      TEXT,
        published     INTEGER NOT NULL,
        updated       INTEGER NOT NULL,
        first_seen    INTEGER NOT NULL,
        changed_at    INTEGER NOT NULL,
        content_hash  TEXT NOT NULL
      ) STRICT;

      -- Feed order is published DESC, id DESC everywhere.
      CREATE INDEX items_feed_order ON items (published DESC, id DESC);
      CREATE INDEX items_kind_feed_order ON items (kind, published DESC, id DESC);
      -- Retention walks one source newest first.
      CREATE INDEX items_source_order ON items (source_id, published DESC, id DESC);

      -- published is copied from items (it never changes once stored) so one category pages
      -- straight off an index, without sorting.
      CREATE TABLE item_categories (
        item_id    TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
        slug       TEXT NOT NULL,
        published  INTEGER NOT NULL,
        PRIMARY KEY (slug, item_id)
      ) STRICT, WITHOUT ROWID;

      CREATE INDEX item_categories_page ON item_categories (slug, published DESC, item_id DESC);
      CREATE INDEX item_categories_item ON item_categories (item_id, slug);

      -- Ids are global (an upstream guid), so one story can arrive from several sources, e.g. a
      -- site's world and economy feeds. Each source's latest classification of the item is kept
      -- here; item_categories holds their union. items.source_id (the first source) owns content.
      CREATE TABLE item_sources (
        item_id     TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
        source_id   TEXT NOT NULL,
        categories  TEXT NOT NULL DEFAULT '[]',
        PRIMARY KEY (item_id, source_id)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE source_state (
        source_id             TEXT PRIMARY KEY,
        last_run_at           INTEGER,
        last_success_at       INTEGER,
        last_error            TEXT,
        last_error_at         INTEGER,
        consecutive_failures  INTEGER NOT NULL DEFAULT 0,
        items_collected       INTEGER NOT NULL DEFAULT 0,
        etag                  TEXT,
        last_modified         TEXT,
        next_attempt_at       INTEGER,
        warnings              TEXT NOT NULL DEFAULT '[]'
      ) STRICT;

      -- One row: bumped in the same transaction as every change to items, so readers and
      -- caches can tell the store changed with one cheap read.
      CREATE TABLE store_revision (
        id        INTEGER PRIMARY KEY CHECK (id = 1),
        revision  INTEGER NOT NULL
      ) STRICT;
      INSERT INTO store_revision (id, revision) VALUES (1, 0);
    `,
  },
  {
    version: 2,
    name: "websub subscriptions",
    sql: `
      -- One verified WebSub subscription per (topic, callback) (W3C WebSub §5.1). Not part of the
      -- item revision: subscribing changes no feed.
      CREATE TABLE websub_subscriptions (
        topic          TEXT NOT NULL,
        callback       TEXT NOT NULL,
        secret         TEXT,
        lease_seconds  INTEGER NOT NULL,
        verified_at    INTEGER NOT NULL,
        expires_at     INTEGER NOT NULL,
        PRIMARY KEY (topic, callback)
      ) STRICT, WITHOUT ROWID;

      -- Purging expired leases walks by expiry.
      CREATE INDEX websub_subscriptions_expiry ON websub_subscriptions (expires_at);
    `,
  },
];
