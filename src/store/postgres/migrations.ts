/**
 * The PostgreSQL schema as an ordered, append-only list. A released migration is never edited:
 * a change to the schema is a new entry with the next version. It mirrors the SQLite schema
 * (src/store/sqlite/migrations.ts) so both stores behave alike.
 *
 * Times are bigint epoch milliseconds, as in SQLite. Ids, slugs and other keys use the "C"
 * collation: byte order, like SQLite's BINARY, so `ORDER BY id` pages identically on both
 * stores whatever the database's locale.
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
        id            text COLLATE "C" PRIMARY KEY,
        source_id     text COLLATE "C" NOT NULL,
        kind          text NOT NULL CHECK (kind IN ('article', 'ticker')),
        url           text,
        title         text NOT NULL,
        summary       text,
        content_html  text,
        authors       jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(authors) = 'array'),
        tags          jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(tags) = 'array'),
        enclosures    jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(enclosures) = 'array'),
        image_url     text,
        language      text,
        published     bigint NOT NULL,
        updated       bigint NOT NULL,
        first_seen    bigint NOT NULL,
        changed_at    bigint NOT NULL,
        content_hash  text NOT NULL
      );

      -- Feed order is published DESC, id DESC everywhere.
      CREATE INDEX items_feed_order ON items (published DESC, id DESC);
      CREATE INDEX items_kind_feed_order ON items (kind, published DESC, id DESC);
      -- Retention walks one source newest first.
      CREATE INDEX items_source_order ON items (source_id, published DESC, id DESC);

      -- published is copied from items (it never changes once stored) so one category pages
      -- straight off an index, without sorting.
      CREATE TABLE item_categories (
        item_id    text COLLATE "C" NOT NULL REFERENCES items (id) ON DELETE CASCADE,
        slug       text COLLATE "C" NOT NULL,
        published  bigint NOT NULL,
        PRIMARY KEY (slug, item_id)
      );

      CREATE INDEX item_categories_page ON item_categories (slug, published DESC, item_id DESC);
      CREATE INDEX item_categories_item ON item_categories (item_id, slug);

      -- Ids are global (an upstream guid), so one story can arrive from several sources. Each
      -- source's latest classification of the item is kept here; item_categories holds their
      -- union. items.source_id (the first source) owns content.
      CREATE TABLE item_sources (
        item_id     text COLLATE "C" NOT NULL REFERENCES items (id) ON DELETE CASCADE,
        source_id   text COLLATE "C" NOT NULL,
        categories  jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(categories) = 'array'),
        PRIMARY KEY (item_id, source_id)
      );

      CREATE TABLE source_state (
        source_id             text COLLATE "C" PRIMARY KEY,
        last_run_at           bigint,
        last_success_at       bigint,
        last_error            text,
        last_error_at         bigint,
        consecutive_failures  integer NOT NULL DEFAULT 0,
        items_collected       bigint NOT NULL DEFAULT 0,
        etag                  text,
        last_modified         text,
        next_attempt_at       bigint,
        warnings              jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(warnings) = 'array')
      );

      -- One row: bumped in the same transaction as every change to items, so readers and
      -- caches can tell the store changed with one cheap read. Writers also lock it first,
      -- which serializes them the way SQLite's single writer does.
      CREATE TABLE store_revision (
        id        integer PRIMARY KEY CHECK (id = 1),
        revision  bigint NOT NULL
      );
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
        topic          text COLLATE "C" NOT NULL,
        callback       text COLLATE "C" NOT NULL,
        secret         text,
        lease_seconds  bigint NOT NULL,
        verified_at    bigint NOT NULL,
        expires_at     bigint NOT NULL,
        PRIMARY KEY (topic, callback)
      );

      -- Purging expired leases walks by expiry.
      CREATE INDEX websub_subscriptions_expiry ON websub_subscriptions (expires_at);
    `,
  },
];
