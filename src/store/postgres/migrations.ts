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

/**
 * Migration 4's frozen copy of src/sources/item-id.ts's rule for a guid that is a global id, as
 * PostgreSQL advanced regular expressions (the same text as the SQLite copy): applied to lower(id)
 * (ASCII-only under the "C" collation), and a character no IRI may hold. NUL cannot be in a text.
 */
const GLOBAL_ID_PREFIX = String.raw`^(https?://|urn:[a-z0-9][a-z0-9-]{0,31}:|tag:[^:]+:).`;
const NON_IRI_CHAR = String.raw`[\x01-\x20\x7f-\x9f<>"{}|\\^\`\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]`;

/**
 * Migration 7's frozen copy of the WHATWG host of an href-normalized http(s) URL (what
 * src/urls/callback-host.ts returns for stored callbacks): after the scheme, credentials
 * skipped, a bracketed IPv6 literal or a name up to the port or path.
 */
const URL_HOSTNAME = String.raw`^[a-zA-Z][a-zA-Z0-9+.-]*://(?:[^@/?#]*@)?(\[[^]]*\]|[^:/?#]*)`;

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
  {
    version: 3,
    name: "item aliases",
    sql: `
      -- Other names of a stored item: the URLs its page was fetched from when they differ from its
      -- id (an html-articles listing link whose page declares another canonical URL), written in
      -- the same transaction as the item, so knownIds recognises the page on later passes, after
      -- a restart too, without fetching it again. An alias goes with its item.
      CREATE TABLE item_aliases (
        alias    text COLLATE "C" PRIMARY KEY,
        item_id  text COLLATE "C" NOT NULL REFERENCES items (id) ON DELETE CASCADE
      );

      CREATE INDEX item_aliases_item ON item_aliases (item_id);
    `,
  },
  {
    version: 4,
    name: "bare guids namespaced by source",
    sql: `
      -- A bare upstream guid ("101") used to be the item id as it came, but ids are global, so two
      -- sources' different stories with one guid became one row. New ids namespace such a guid by
      -- source (src/sources/item-id.ts); this rekeys stored rows the same way, so a stored story
      -- keeps one row. A row keeps only its owner's share: the other sources' stories were never
      -- stored, and arrive under their own ids on their next pass.
      CREATE TEMP TABLE legacy_ids ON COMMIT DROP AS
        SELECT id AS old_id, source_id,
               'urn:sha256:' || encode(sha256(convert_to('guid' || chr(10) || source_id || chr(10) || id, 'UTF8')), 'hex')
                 COLLATE "C" AS new_id
        FROM items
        WHERE NOT (lower(id) ~ '${GLOBAL_ID_PREFIX}' AND id !~ '${NON_IRI_CHAR}');

      INSERT INTO items
        (id, source_id, kind, url, title, summary, content_html, authors, tags, enclosures, image_url, language,
         published, updated, first_seen, changed_at, content_hash)
      SELECT l.new_id, i.source_id, i.kind, i.url, i.title, i.summary, i.content_html, i.authors, i.tags, i.enclosures,
             i.image_url, i.language, i.published, i.updated, i.first_seen, i.changed_at, i.content_hash
      FROM items i JOIN legacy_ids l ON l.old_id = i.id;

      INSERT INTO item_sources (item_id, source_id, categories)
      SELECT l.new_id, s.source_id, s.categories
      FROM item_sources s JOIN legacy_ids l ON l.old_id = s.item_id AND l.source_id = s.source_id;

      INSERT INTO item_categories (item_id, slug, published)
      SELECT DISTINCT l.new_id, c.slug, i.published
      FROM legacy_ids l
        JOIN items i ON i.id = l.old_id
        JOIN item_sources s ON s.item_id = l.old_id AND s.source_id = l.source_id
        CROSS JOIN LATERAL jsonb_array_elements_text(s.categories) AS c(slug);

      UPDATE item_aliases a SET item_id = l.new_id FROM legacy_ids l WHERE a.item_id = l.old_id;

      -- Their item_categories and item_sources rows go with them (ON DELETE CASCADE).
      DELETE FROM items WHERE id IN (SELECT old_id FROM legacy_ids);

      UPDATE store_revision SET revision = revision + 1 WHERE EXISTS (SELECT 1 FROM legacy_ids);
    `,
  },
  {
    version: 5,
    name: "feed departures",
    sql: `
      -- When an item last LEFT a feed (pruned, or reclassified out of a category), per category slug
      -- and item kind; "*" is an item deleted from the store (it left "all"). A feed's
      -- Last-Modified is when its representation last changed (RFC 9110 §8.8.2), and an item
      -- leaving changes it as much as one arriving, though no remaining item records that. Written
      -- in the same transaction as the change, so every instance over the store agrees.
      CREATE TABLE feed_departures (
        slug         text COLLATE "C" NOT NULL,
        kind         text NOT NULL CHECK (kind IN ('article', 'ticker')),
        departed_at  bigint NOT NULL,
        PRIMARY KEY (slug, kind)
      );
    `,
  },
  {
    version: 6,
    name: "stories",
    sql: `
      -- One story, one item (docs/ARCHITECTURE.md): items naming the same page (a ticker line and the article it
      -- links to, two feeds with one canonical URL) are one story in the default feeds. Membership is
      -- fixed when an item is first stored; the story's id is its first member's and never changes.
      -- Rows stored before this migration get their story when the store next opens
      -- (src/store/stories/), through the same code as new items.
      ALTER TABLE items ADD COLUMN story_id text COLLATE "C";
      CREATE INDEX items_story ON items (story_id);

      -- What the default feeds list, maintained in the same transaction as the item writes so a
      -- page is one index walk: item_id is the member shown, published is fixed at creation.
      CREATE TABLE stories (
        id           text COLLATE "C" PRIMARY KEY,
        item_id      text COLLATE "C" NOT NULL,
        published    bigint NOT NULL,
        updated      bigint NOT NULL,
        -- when the member shown became the shown one: updated = max(its updated, shown_since)
        shown_since  bigint NOT NULL,
        first_seen   bigint NOT NULL,
        changed_at   bigint NOT NULL,
        has_article  boolean NOT NULL
      );
      CREATE INDEX stories_feed_order ON stories (published DESC, id DESC);
      CREATE INDEX stories_article_order ON stories (has_article, published DESC, id DESC);

      -- The union of the members' categories; published copied from stories, as in item_categories.
      CREATE TABLE story_categories (
        story_id   text COLLATE "C" NOT NULL,
        slug       text COLLATE "C" NOT NULL,
        published  bigint NOT NULL,
        PRIMARY KEY (slug, story_id)
      );
      CREATE INDEX story_categories_page ON story_categories (slug, published DESC, story_id DESC);
      CREATE INDEX story_categories_story ON story_categories (story_id, slug);

      -- The normalized URLs (src/store/stories/story-key.ts) that lead a new item to its story.
      CREATE TABLE story_keys (
        key       text COLLATE "C" PRIMARY KEY,
        story_id  text COLLATE "C" NOT NULL
      );
      CREATE INDEX story_keys_story ON story_keys (story_id);
    `,
  },
  {
    version: 7,
    name: "websub caps and durable deliveries",
    sql: `
      -- Subscriptions are capped per callback host (src/urls/callback-host.ts), so the host is kept
      -- beside the callback and counting one host's subscriptions is an index walk.
      ALTER TABLE websub_subscriptions ADD COLUMN callback_host text COLLATE "C" NOT NULL DEFAULT '';
      UPDATE websub_subscriptions SET callback_host = coalesce(substring(callback from '${URL_HOSTNAME}'), '');
      CREATE INDEX websub_subscriptions_host ON websub_subscriptions (callback_host, expires_at);

      -- Content distributions not yet done (W3C WebSub §7), durable so a new leader finishes what
      -- the last one started. One row per (topic, callback): a newer change supersedes a pending
      -- one (generation + 1, attempts from 0). The body is not stored: the sender renders the topic
      -- when it sends, through the render cache, so each topic renders once per change however
      -- many subscribers it has. Senders claim due rows with FOR UPDATE SKIP LOCKED and hold a
      -- lease (token, until), so two replicas never send the same attempt at once; an expired
      -- lease (its sender died) can be claimed again.
      CREATE TABLE websub_deliveries (
        topic            text COLLATE "C" NOT NULL,
        callback         text COLLATE "C" NOT NULL,
        generation       bigint NOT NULL,
        attempt          integer NOT NULL,
        next_attempt_at  bigint NOT NULL,
        lease_token      text,
        lease_until      bigint,
        PRIMARY KEY (topic, callback)
      );
      CREATE INDEX websub_deliveries_due ON websub_deliveries (next_attempt_at);
      `,
  },
  {
    version: 8,
    name: "source run history",
    sql: `
      -- The newest runs of each source (src/store/rows/run-history.ts bounds how many), written in the
      -- same transaction as the run's items, so /status can draw what each source did lately.
      CREATE TABLE source_runs (
        id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        source_id    text COLLATE "C" NOT NULL,
        finished_at  bigint NOT NULL,
        outcome      text NOT NULL CHECK (outcome IN ('ok', 'failed', 'not-modified')),
        inserted     integer NOT NULL,
        updated      integer NOT NULL
      );
      CREATE INDEX source_runs_recent ON source_runs (source_id, id DESC);
    `,
  },
  {
    version: 9,
    name: "websub delivery leases indexed",
    sql: `
      -- A sender finds the rows it just claimed by lease token (claimed, orphans dropped): without
      -- an index each claim of 8 rows read the whole queue, so one change to a topic with 10,000
      -- subscribers cost 10,000²/8 row reads (bench/scale/websub.mjs, issue 12). Only claimed
      -- rows carry a token, so the partial index holds a batch or two.
      CREATE INDEX websub_deliveries_lease ON websub_deliveries (lease_token) WHERE lease_token IS NOT NULL;
    `,
  },
  {
    version: 10,
    name: "change log",
    sql: `
      -- One row per revision, written in the same transaction as the write that bumped it
      -- (src/store/rows/change-log.ts), as in SQLite. NOTIFY tells a listening replica of each
      -- change as it commits; the log is what it reads for the changes it missed while its LISTEN
      -- connection was down, or when asked to look now, so those name their categories too.
      -- Each write trims the rows CHANGE_LOG_LENGTH revisions behind it, so the table stays small.
      CREATE TABLE store_changes (
        revision        bigint PRIMARY KEY,
        categories      jsonb NOT NULL CHECK (jsonb_typeof(categories) = 'array'),
        every_category  boolean NOT NULL,
        writer          text NOT NULL,
        written_at      bigint NOT NULL
      );
    `,
  },
  {
    version: 11,
    name: "source state versions",
    sql: `
      -- Every write of a source's state (a run committed, a source purged) takes the next
      -- store_revision.state_version and stamps it on the row, or on a deletion row when the state
      -- goes, so a reader asks only for what changed after the version it last saw
      -- (Store.listSourceStatesSince): max-age read all 10,000 states every second, 120-200 ms on
      -- the serving thread (bench/scale, issue 12). Rows from before start at 1, the counter too. The counter is
      -- bumped under the store_revision row lock every write already holds until COMMIT, so
      -- versions commit in order: a reader never sees a version while a lower one is uncommitted.
      ALTER TABLE store_revision ADD COLUMN state_version bigint NOT NULL DEFAULT 1;
      ALTER TABLE source_state ADD COLUMN state_version bigint NOT NULL DEFAULT 1;
      CREATE INDEX source_state_version ON source_state (state_version);
      CREATE TABLE source_state_deletions (
        source_id      text COLLATE "C" PRIMARY KEY,
        state_version  bigint NOT NULL
      );
      CREATE INDEX source_state_deletions_version ON source_state_deletions (state_version);
    `,
  },
  {
    version: 12,
    name: "classification fingerprint",
    sql: `
      -- The fingerprint of the rules every stored item was last classified under, written after a
      -- whole reclassification pass (Store.recordClassificationFingerprint), so a new leader whose
      -- rules match skips the pass: 333 s at 1M items (bench/scale, issue 12). NULL, as in a
      -- store migrated from before, means unknown: the next leader reclassifies once.
      ALTER TABLE store_revision ADD COLUMN classification_fingerprint text;
    `,
  },
];
