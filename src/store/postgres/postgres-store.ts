import pg, { type PoolClient, type PoolConfig } from "pg";
import {
  type ClassifiedItem,
  type Clock,
  type EpochMs,
  type FeedQuery,
  type Retention,
  type SourceState,
  type StoredItem,
} from "../../model/index.js";
import { redactUrl } from "../redact-url.js";
import {
  itemToReclassifyFromRow,
  storedItemFromRow,
  type ItemRow,
  type ReclassificationRow,
} from "../rows/item-row.js";
import { sourceStateAfterRun, sourceStateFromRow, type SourceStateRow } from "../rows/source-state-row.js";
import type {
  CategoryDayCount,
  FeedPage,
  ItemToReclassify,
  PruneResult,
  RecordedRun,
  SourceRunRecord,
  SourceStateChanges,
  ChangeWatch,
  Store,
  StoreChange,
  UpsertResult,
  WebSubSubscription,
  ClaimedDelivery,
  DeliveryClaim,
  DeliveryKey,
  SubscriptionCaps,
  SubscriptionWrite,
} from "../store.js";
import { StoreError } from "../store-error.js";
import { applyMigrations } from "./apply-migrations.js";
import { CHANGES_CHANNEL, encodeChange } from "./change-notice.js";
import { listenForChanges } from "./change-listener.js";
import { changeEntry, newWriterId, trimmedThrough, type ChangeRow } from "../rows/change-log.js";
import { chunks } from "../rows/chunks.js";
import { loadKnownItems } from "./known-items.js";
import { flushWrites } from "./item-writes.js";
import { newStoryMembers, planCategories, planRun } from "../rows/item-plan.js";
import { recordDeletedState, stampWrittenState, stateChangesSince } from "./state-versions.js";
import { MIGRATIONS } from "./migrations.js";
import { inTransaction } from "./transaction.js";
import { STORE_TYPES } from "./type-parsers.js";
import { departureSlugs, STORE_SLUG } from "../rows/departures.js";
import { checkQuery, checkRetention, firstOfEachId } from "../rows/run-rules.js";
import {
  claimedDeliveryFromRow,
  subscriptionFromRow,
  type ClaimedDeliveryRow,
  type SubscriptionRow,
} from "../rows/subscription-row.js";
import { judgeSubscription } from "../rows/subscription-caps.js";
import { callbackHost } from "../../urls/callback-host.js";
import { STORY_FEED_COLUMNS, storedStoryFromRow, type StoryFeedRow } from "../rows/story-row.js";
import { adoptUnassigned, joinStories, refreshStories, storiesOf } from "./story-writes.js";
import { itemsPerDay, recentRuns, recordRunHistory } from "./status-history.js";

export interface PostgresStoreOptions {
  /** Stamps `schema_migrations.applied_at`. */
  readonly clock: Clock;
  /** Most connections the store's pool opens (default 10, node-postgres's own default). */
  readonly poolSize?: number;
  /** Wait between attempts to re-open a lost LISTEN connection (default 2000 ms). */
  readonly listenRetryMs?: number;
}

const DEFAULT_POOL_SIZE = 10;
const DEFAULT_LISTEN_RETRY_MS = 2_000;
/** How many ids one lookup or delete binds. */
const ID_CHUNK = 5_000;
/** Give up on an unreachable server instead of hanging the start-up. */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Columns of `items` as the shared row reader expects them: the JSONB arrays come back as text
 * so SQLite and PostgreSQL rows go through the same validation (src/store/sqlite/item-row.ts).
 */
const ITEM_COLUMNS = `i.id, i.source_id, i.kind, i.url, i.title, i.summary, i.content_html,
  i.authors::text AS authors, i.tags::text AS tags, i.enclosures::text AS enclosures, i.image_url, i.language,
  i.published, i.updated, i.first_seen, i.changed_at, i.content_hash`;

/**
 * What reclassification reads (ReclassificationRow), with the categories in the same statement as
 * JSON text, as SQLite gives them, so both go through one row reader.
 */
const RECLASSIFICATION_COLUMNS = `i.id, i.source_id, i.title, i.summary, i.tags::text AS tags,
  (SELECT COALESCE(json_agg(c.slug), '[]')::text FROM item_categories c WHERE c.item_id = i.id) AS categories`;

/**
 * Connect to PostgreSQL (checking the server answers) and return the store. A schema other
 * than `public` is chosen in the URL, e.g. `?options=-c%20search_path%3Dfeeds`. Call
 * `migrate()` before anything else.
 */
export async function openPostgresStore(url: string, opts: PostgresStoreOptions): Promise<PostgresStore> {
  const poolSize = opts.poolSize ?? DEFAULT_POOL_SIZE;
  if (!Number.isSafeInteger(poolSize) || poolSize < 1) {
    throw new StoreError(`store: PostgreSQL pool size must be a positive integer, got ${poolSize}`);
  }
  const connection: PoolConfig = {
    connectionString: url,
    types: STORE_TYPES,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: "news-feed-publisher",
  };
  const pool = new pg.Pool({ ...connection, max: poolSize });
  // An idle pooled connection that dies (server restart, network) emits "error" on the pool;
  // unhandled, that would crash the process. The pool has already dropped it and the next
  // query opens a fresh one, so there is nothing else to do.
  pool.on("error", () => undefined);
  try {
    await pool.query("SELECT 1");
  } catch (cause) {
    await pool.end().catch(() => undefined);
    throw new StoreError(`store: cannot connect to PostgreSQL at ${redactUrl(url)}: ${describe(cause)}`, { cause });
  }
  return new PostgresStore(pool, connection, opts);
}

/** What a write transaction did: its result, and the categories to announce if it changed items. */
interface WriteOutcome<T> {
  readonly result: T;
  readonly changed: boolean;
  readonly categories: readonly string[];
}

/** node-postgres behind the Store interface, with the same semantics as the SQLite store. */
export class PostgresStore implements Store {
  readonly #pool: pg.Pool;
  readonly #connection: PoolConfig;
  readonly #clock: Clock;
  readonly #listenRetryMs: number;
  readonly #unsubscribers = new Set<() => Promise<void>>();
  /** Logged with each write this instance makes, so watchers tell its changes from other replicas'. */
  readonly #writer = newWriterId();
  #closed = false;
  /**
   * Whether this handle keeps stories (migration 6): set by migrate(). A handle that never
   * migrated works on the schema it finds, as before stories (the migration tests write legacy
   * rows through one); the items it stores get their story at the next migrate(). Such a handle
   * writes no source state versions (migration 11) either.
   */
  #stories = false;

  constructor(pool: pg.Pool, connection: PoolConfig, opts: PostgresStoreOptions) {
    this.#pool = pool;
    this.#connection = connection;
    this.#clock = opts.clock;
    this.#listenRetryMs = opts.listenRetryMs ?? DEFAULT_LISTEN_RETRY_MS;
  }

  async migrate(): Promise<void> {
    await this.#guard("migrate", () => applyMigrations(this.#pool, MIGRATIONS, this.#clock()));
    this.#stories = true;
    await this.#guard("assign stories to stored items", () =>
      this.#write(async (client) => {
        const changed = await adoptUnassigned(client, this.#clock());
        const categories = [...(changed ?? [])].sort();
        return { result: undefined, changed: changed !== undefined, categories };
      }),
    );
  }

  async commitRun(run: SourceRunRecord, items: readonly ClassifiedItem[], now: EpochMs): Promise<UpsertResult> {
    return this.#guard(`commit run of source ${JSON.stringify(run.sourceId)}`, () =>
      this.#write(async (client) => {
        const unique = firstOfEachId(items);
        const known = await loadKnownItems(
          client,
          unique.map((item) => item.id),
        );
        const { plan, writes } = planRun(unique, known, now);
        await flushWrites(client, writes, now);
        if (this.#stories) {
          const joined = await joinStories(client, newStoryMembers(unique, plan.inserted, now));
          const stories = [...joined, ...(await storiesOf(client, plan.updated))];
          for (const slug of await refreshStories(client, stories, now)) plan.changedCategories.add(slug);
        }
        await recordRun(client, run, plan.inserted.length);
        if (this.#stories) await stampWrittenState(client, run.sourceId);
        // The run history exists from migration 8; a handle that never migrated has none to write.
        if (this.#stories) await recordRunHistory(client, run, plan.inserted.length, plan.updated.length);
        const changedCategories = [...plan.changedCategories].sort();
        return {
          result: { inserted: plan.inserted, updated: plan.updated, unchanged: plan.unchanged, changedCategories },
          changed: plan.inserted.length + plan.updated.length > 0,
          categories: changedCategories,
        };
      }),
    );
  }

  async knownIds(ids: readonly string[]): Promise<ReadonlySet<string>> {
    return this.#guard("known ids", async () => {
      const known = new Set<string>();
      for (const chunk of chunks(ids, ID_CHUNK)) {
        const result = await this.#pool.query<{ id: string }>(
          `SELECT id FROM items WHERE id = ANY($1::text[])
           UNION SELECT alias FROM item_aliases WHERE alias = ANY($1::text[])`,
          [chunk],
        );
        for (const row of result.rows) known.add(row.id);
      }
      return known;
    });
  }

  async queryFeed(query: FeedQuery): Promise<FeedPage> {
    checkQuery(query);
    return this.#guard("query feed", async () => {
      if (this.#stories && query.kind !== "ticker") {
        // One story, one item: the default and `?kind=article` feeds list stories.
        const { text, values } = storyFeedSql(query);
        const [rows, departedAt] = await Promise.all([
          this.#pool.query<StoryFeedRow>(text, values).then((result) => result.rows),
          latestDeparture(this.#pool, query),
        ]);
        return {
          items: await this.#storiesWithCategories(rows.slice(0, query.limit)),
          hasMore: rows.length > query.limit,
          ...(departedAt === null ? {} : { departedAt }),
        };
      }
      const { text, values } = feedSql(query);
      const [rows, departedAt] = await Promise.all([
        this.#pool.query<ItemRow>(text, values).then((result) => result.rows),
        latestDeparture(this.#pool, query),
      ]);
      const page = rows.slice(0, query.limit);
      return {
        items: await this.#withCategories(page),
        hasMore: rows.length > query.limit,
        ...(departedAt === null ? {} : { departedAt }),
      };
    });
  }

  async prune(sourceId: string, retention: Retention, now: EpochMs): Promise<PruneResult> {
    checkRetention(retention);
    return this.#guard(`prune source ${JSON.stringify(sourceId)}`, () =>
      this.#write(async (client) => {
        const doomed = new Set<string>();
        if (Number.isFinite(retention.maxItemsPerSource)) {
          const overflow = await client.query<{ id: string }>(
            "SELECT id FROM items WHERE source_id = $1 ORDER BY published DESC, id DESC OFFSET $2",
            [sourceId, retention.maxItemsPerSource],
          );
          for (const row of overflow.rows) doomed.add(row.id);
        }
        if (Number.isFinite(retention.maxAgeMs)) {
          const expired = await client.query<{ id: string }>(
            "SELECT id FROM items WHERE source_id = $1 AND published < $2",
            [sourceId, now - retention.maxAgeMs],
          );
          for (const row of expired.rows) doomed.add(row.id);
        }
        return this.#removeItems(client, [...doomed], now);
      }),
    );
  }

  async purgeSource(sourceId: string, now: EpochMs): Promise<PruneResult> {
    return this.#guard(`purge source ${JSON.stringify(sourceId)}`, () =>
      this.#write(async (client) => {
        const owned = await client.query<{ id: string }>("SELECT id FROM items WHERE source_id = $1", [sourceId]);
        const removed = await this.#removeItems(
          client,
          owned.rows.map((row) => row.id),
          now,
        );
        const deleted = await client.query("DELETE FROM source_state WHERE source_id = $1", [sourceId]);
        if ((deleted.rowCount ?? 0) > 0 && this.#stories) await recordDeletedState(client, sourceId);
        return removed;
      }),
    );
  }

  /** Inside a write: delete these items, record their departures, repair their stories. */
  async #removeItems(client: PoolClient, ids: readonly string[], now: EpochMs): Promise<WriteOutcome<PruneResult>> {
    const slugs = new Set<string>();
    const stories = this.#stories ? await storiesOf(client, [...ids]) : new Set<string>();
    for (const chunk of chunks([...ids], ID_CHUNK)) {
      const touched = await client.query<{ slug: string }>(
        "SELECT DISTINCT slug FROM item_categories WHERE item_id = ANY($1::text[])",
        [chunk],
      );
      for (const row of touched.rows) slugs.add(row.slug);
      await recordDeletions(client, chunk, now);
      // item_categories and item_sources rows go with their item (ON DELETE CASCADE).
      await client.query("DELETE FROM items WHERE id = ANY($1::text[])", [chunk]);
    }
    // A story that lost a member shows another one, or goes when it lost its last.
    for (const slug of await refreshStories(client, stories, now)) slugs.add(slug);
    const changedCategories = [...slugs].sort();
    return {
      result: { removed: ids.length, changedCategories },
      changed: ids.length > 0,
      categories: changedCategories,
    };
  }

  async getSourceState(sourceId: string): Promise<SourceState | undefined> {
    return this.#guard("read source state", async () => {
      const row = await readSourceState(this.#pool, sourceId);
      return row === undefined ? undefined : sourceStateFromRow(row);
    });
  }

  async listSourceStates(): Promise<readonly SourceState[]> {
    return this.#guard("list source states", async () => {
      const result = await this.#pool.query<SourceStateRow>(
        `SELECT ${SOURCE_STATE_COLUMNS} FROM source_state ORDER BY source_id`,
      );
      return result.rows.map(sourceStateFromRow);
    });
  }

  async listSourceStatesSince(since: number): Promise<SourceStateChanges> {
    return this.#guard("list changed source states", () => stateChangesSince(this.#pool, SOURCE_STATE_COLUMNS, since));
  }

  async recentRuns(): Promise<readonly RecordedRun[]> {
    return this.#guard("recent runs", () => recentRuns(this.#pool));
  }

  async itemsPerDay(since: EpochMs): Promise<readonly CategoryDayCount[]> {
    return this.#guard("items per day", () => itemsPerDay(this.#pool, since));
  }

  async categoryStats(): Promise<ReadonlyArray<{ slug: string; count: number; newest?: EpochMs }>> {
    return this.#guard("category stats", async () => {
      // Status pages count what feeds list: stories, once migrated.
      const table = this.#stories ? "story_categories" : "item_categories";
      const result = await this.#pool.query<{ slug: string; count: number; newest: number }>(
        `SELECT slug, count(*) AS count, max(published) AS newest FROM ${table} GROUP BY slug ORDER BY slug`,
      );
      return result.rows.map((row) => ({ slug: row.slug, count: row.count, newest: row.newest }));
    });
  }

  async revision(): Promise<number> {
    return this.#guard("read revision", async () => {
      const result = await this.#pool.query<{ revision: number }>("SELECT revision FROM store_revision WHERE id = 1");
      return result.rows[0]?.revision ?? 0;
    });
  }

  async classificationFingerprint(): Promise<string | undefined> {
    return this.#guard("read classification fingerprint", async () => {
      const result = await this.#pool.query<{ fingerprint: string | null }>(
        "SELECT classification_fingerprint AS fingerprint FROM store_revision WHERE id = 1",
      );
      return result.rows[0]?.fingerprint ?? undefined;
    });
  }

  async recordClassificationFingerprint(fingerprint: string): Promise<void> {
    await this.#guard("record classification fingerprint", async () => {
      await this.#pool.query("UPDATE store_revision SET classification_fingerprint = $1 WHERE id = 1", [fingerprint]);
    });
  }

  async listItemsForReclassification(afterId: string | undefined, batch: number): Promise<ItemToReclassify[]> {
    if (!Number.isSafeInteger(batch) || batch < 1) {
      throw new StoreError(`store: reclassification batch must be a positive integer, got ${batch}`);
    }
    return this.#guard("list items for reclassification", async () => {
      const result =
        afterId === undefined
          ? await this.#pool.query<ReclassificationRow>(
              `SELECT ${RECLASSIFICATION_COLUMNS} FROM items i ORDER BY i.id LIMIT $1`,
              [batch],
            )
          : await this.#pool.query<ReclassificationRow>(
              `SELECT ${RECLASSIFICATION_COLUMNS} FROM items i WHERE i.id > $1 ORDER BY i.id LIMIT $2`,
              [afterId, batch],
            );
      return result.rows.map(itemToReclassifyFromRow);
    });
  }

  async setItemCategories(
    changes: ReadonlyArray<{ readonly id: string; readonly categories: readonly string[] }>,
    now: EpochMs,
  ): Promise<{ changedCategories: string[] }> {
    return this.#guard("set item categories", () =>
      this.#write(async (client) => {
        const known = await loadKnownItems(client, [...new Set(changes.map((change) => change.id))]);
        const { writes, changedIds, changedCategories: touched } = planCategories(changes, known);
        await flushWrites(client, writes, now);
        if (this.#stories) {
          for (const slug of await refreshStories(client, await storiesOf(client, changedIds), now)) touched.add(slug);
        }
        const changedCategories = [...touched].sort();
        // Each changed item changed at least one slug, so "changed" is "some slug changed".
        return { result: { changedCategories }, changed: touched.size > 0, categories: changedCategories };
      }),
    );
  }

  async upsertSubscription(subscription: WebSubSubscription, caps?: SubscriptionCaps): Promise<SubscriptionWrite> {
    return this.#guard("upsert websub subscription", () =>
      inTransaction(this.#pool, async (client) => {
        // Counting and writing must be one step, or two requests racing past a cap both fit. This
        // mode conflicts with itself (and with writes), not with readers: subscription writes take turns.
        if (caps !== undefined) await client.query("LOCK TABLE websub_subscriptions IN SHARE ROW EXCLUSIVE MODE");
        const judged = await judgeStoredSubscription(
          client,
          subscription.topic,
          subscription.callback,
          subscription.verifiedAt,
          caps,
        );
        if (judged === "host-full" || judged === "hub-full") return judged;
        await client.query(
          `INSERT INTO websub_subscriptions
             (topic, callback, callback_host, secret, lease_seconds, verified_at, expires_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (topic, callback) DO UPDATE SET
             secret = excluded.secret, lease_seconds = excluded.lease_seconds,
             verified_at = excluded.verified_at, expires_at = excluded.expires_at`,
          [
            subscription.topic,
            subscription.callback,
            callbackHost(subscription.callback),
            subscription.secret,
            subscription.leaseSeconds,
            subscription.verifiedAt,
            subscription.expiresAt,
          ],
        );
        return judged;
      }),
    );
  }

  async previewSubscription(
    topic: string,
    callback: string,
    caps: SubscriptionCaps,
    now: EpochMs,
  ): Promise<SubscriptionWrite> {
    return this.#guard("preview websub subscription", () =>
      judgeStoredSubscription(this.#pool, topic, callback, now, caps),
    );
  }

  async removeSubscription(topic: string, callback: string): Promise<boolean> {
    return this.#guard("remove websub subscription", async () => {
      const result = await this.#pool.query("DELETE FROM websub_subscriptions WHERE topic = $1 AND callback = $2", [
        topic,
        callback,
      ]);
      return (result.rowCount ?? 0) > 0;
    });
  }

  async listSubscriptions(topic: string, now: EpochMs): Promise<WebSubSubscription[]> {
    return this.#guard("list websub subscriptions", async () => {
      const result = await this.#pool.query<SubscriptionRow>(
        `SELECT topic, callback, secret, lease_seconds, verified_at, expires_at FROM websub_subscriptions
         WHERE topic = $1 AND expires_at > $2 ORDER BY callback`,
        [topic, now],
      );
      return result.rows.map(subscriptionFromRow);
    });
  }

  async listSubscribedTopics(now: EpochMs): Promise<string[]> {
    return this.#guard("list websub topics", async () => {
      const result = await this.#pool.query<{ topic: string }>(
        "SELECT DISTINCT topic FROM websub_subscriptions WHERE expires_at > $1 ORDER BY topic",
        [now],
      );
      return result.rows.map((row) => row.topic);
    });
  }

  async purgeExpiredSubscriptions(now: EpochMs): Promise<number> {
    return this.#guard("purge expired websub subscriptions", async () => {
      const result = await this.#pool.query("DELETE FROM websub_subscriptions WHERE expires_at <= $1", [now]);
      return result.rowCount ?? 0;
    });
  }

  async queueDeliveries(topic: string, now: EpochMs): Promise<number> {
    return this.#guard("queue websub deliveries", async () => {
      const result = await this.#pool.query(
        `INSERT INTO websub_deliveries (topic, callback, generation, attempt, next_attempt_at)
         SELECT topic, callback, 1, 0, $2 FROM websub_subscriptions WHERE topic = $1 AND expires_at > $2
         ON CONFLICT (topic, callback) DO UPDATE SET
           generation = websub_deliveries.generation + 1, attempt = 0, next_attempt_at = excluded.next_attempt_at`,
        [topic, now],
      );
      return result.rowCount ?? 0;
    });
  }

  async claimDeliveries(claim: DeliveryClaim): Promise<ClaimedDelivery[]> {
    return this.#guard("claim websub deliveries", async () => {
      // One statement: SKIP LOCKED passes over rows a concurrent claim is taking, so two
      // replicas draining the queue at once never claim the same row.
      const params = [claim.token, claim.now, claim.now + claim.leaseMs, claim.limit];
      const result = await this.#pool.query<ClaimedDeliveryRow>(
        `WITH due AS (
           SELECT topic, callback FROM websub_deliveries
           WHERE next_attempt_at <= $2 AND (lease_until IS NULL OR lease_until <= $2)
           ORDER BY next_attempt_at, topic, callback LIMIT $4
           FOR UPDATE SKIP LOCKED
         ), claimed AS (
           UPDATE websub_deliveries d SET attempt = d.attempt + 1, lease_token = $1, lease_until = $3
           FROM due WHERE d.topic = due.topic AND d.callback = due.callback
           RETURNING d.topic, d.callback, d.generation, d.attempt, d.next_attempt_at
         )
         SELECT c.topic, c.callback, c.generation, c.attempt,
                s.secret, s.lease_seconds, s.verified_at, s.expires_at
         FROM claimed c JOIN websub_subscriptions s
           ON s.topic = c.topic AND s.callback = c.callback AND s.expires_at > $2
         ORDER BY c.next_attempt_at, c.topic, c.callback`,
        params,
      );
      await this.#pool.query(
        `DELETE FROM websub_deliveries d WHERE d.lease_token = $1 AND NOT EXISTS (
           SELECT 1 FROM websub_subscriptions s
           WHERE s.topic = d.topic AND s.callback = d.callback AND s.expires_at > $2)`,
        [claim.token, claim.now],
      );
      return result.rows.map(claimedDeliveryFromRow);
    });
  }

  async finishDelivery(delivery: DeliveryKey, token: string, retryAt: EpochMs | null): Promise<void> {
    await this.#guard("finish websub delivery", () =>
      inTransaction(this.#pool, async (client) => {
        const key = [delivery.topic, delivery.callback, delivery.generation, token];
        if (retryAt === null) {
          await client.query(
            `DELETE FROM websub_deliveries
             WHERE topic = $1 AND callback = $2 AND generation = $3 AND lease_token = $4`,
            key,
          );
        } else {
          await client.query(
            `UPDATE websub_deliveries SET next_attempt_at = $5, lease_token = NULL, lease_until = NULL
             WHERE topic = $1 AND callback = $2 AND generation = $3 AND lease_token = $4`,
            [...key, retryAt],
          );
        }
        await client.query(
          `UPDATE websub_deliveries SET lease_token = NULL, lease_until = NULL
           WHERE topic = $1 AND callback = $2 AND lease_token = $3`,
          [delivery.topic, delivery.callback, token],
        );
      }),
    );
  }

  async nextDeliveryAt(): Promise<EpochMs | undefined> {
    return this.#guard("read next websub delivery", async () => {
      const result = await this.#pool.query<{ next: number | null }>(
        "SELECT min(greatest(next_attempt_at, coalesce(lease_until, 0))) AS next FROM websub_deliveries",
      );
      return result.rows[0]?.next ?? undefined;
    });
  }

  /**
   * Be told of every change any replica commits: each write transaction that bumps the revision
   * logs it and sends NOTIFY feed_changes inside the transaction, so it is delivered exactly when
   * the change becomes visible (on COMMIT) and never for a rolled-back one. Nothing polls, so
   * WatchChangesOptions do not apply.
   */
  async watchChanges(listener: (change: StoreChange) => void): Promise<ChangeWatch> {
    if (this.#closed) throw new StoreError("store: watch changes failed: the store is closed");
    const watch = await listenForChanges(
      {
        connection: this.#connection,
        readRevision: () => this.revision(),
        readChangesAfter: (seen) => this.#changesAfter(seen),
        writer: this.#writer,
        retryMs: this.#listenRetryMs,
      },
      listener,
    );
    const stop = async (): Promise<void> => {
      this.#unsubscribers.delete(stop);
      await watch.stop();
    };
    this.#unsubscribers.add(stop);
    return { pushed: watch.pushed, checkNow: () => watch.checkNow(), stop };
  }

  /** The revision and the change log rows after `seen`, in one statement (one snapshot). */
  async #changesAfter(seen: number): Promise<{ revision: number; rows: ChangeRow[] }> {
    return this.#guard("read the change log", async () => {
      const result = await this.#pool.query<{
        current: number;
        revision: number | null;
        categories: string | null;
        every_category: boolean | null;
        writer: string | null;
      }>(
        `SELECT r.revision AS current, c.revision, c.categories::text AS categories, c.every_category, c.writer
         FROM store_revision r LEFT JOIN store_changes c ON c.revision > $1
         WHERE r.id = 1 ORDER BY c.revision`,
        [seen],
      );
      const rows: ChangeRow[] = [];
      for (const row of result.rows) {
        if (row.revision === null || row.categories === null || row.every_category === null || row.writer === null) {
          continue;
        }
        rows.push({
          revision: row.revision,
          categories: row.categories,
          every_category: row.every_category,
          writer: row.writer,
        });
      }
      return { revision: result.rows[0]?.current ?? 0, rows };
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const unsubscribe of [...this.#unsubscribers]) await unsubscribe();
    await this.#pool.end().catch((cause: unknown) => {
      throw new StoreError(`store: close failed: ${describe(cause)}`, { cause });
    });
  }

  /** Fill `categories` for a page of story rows with one query: the union of the members'. */
  async #storiesWithCategories(rows: readonly StoryFeedRow[]): Promise<StoredItem[]> {
    const slugs = await this.#slugsOf(
      "story_categories",
      "story_id",
      rows.map((row) => row.s_id),
    );
    return rows.map((row) => storedStoryFromRow(row, slugs.get(row.s_id) ?? []));
  }

  /** Fill `categories` for a page of rows with one query, not one per item. */
  async #withCategories(rows: readonly ItemRow[]): Promise<StoredItem[]> {
    const slugs = await this.#slugsOf(
      "item_categories",
      "item_id",
      rows.map((row) => row.id),
    );
    return rows.map((row) => storedItemFromRow(row, slugs.get(row.id) ?? []));
  }

  /** The category slugs of these ids in one query, sorted per id (table and column are ours, never input). */
  async #slugsOf(
    table: "story_categories" | "item_categories",
    column: "story_id" | "item_id",
    ids: readonly string[],
  ): Promise<Map<string, string[]>> {
    const slugs = new Map<string, string[]>();
    if (ids.length === 0) return slugs;
    const result = await this.#pool.query<{ id: string; slug: string }>(
      `SELECT ${column} AS id, slug FROM ${table} WHERE ${column} = ANY($1::text[]) ORDER BY ${column}, slug`,
      [ids],
    );
    for (const { id, slug } of result.rows) {
      const list = slugs.get(id);
      if (list === undefined) slugs.set(id, [slug]);
      else list.push(slug);
    }
    return slugs;
  }

  /**
   * Run a write in one transaction. It first locks the revision row, so writers take turns the
   * way SQLite's single writer does (readers are never blocked), and every plan is made from
   * what the previous writer committed. When the write changed items, the revision is bumped,
   * the change logged and announced (NOTIFY is delivered on COMMIT) in the same transaction.
   */
  async #write<T>(work: (client: PoolClient) => Promise<WriteOutcome<T>>): Promise<T> {
    return inTransaction(this.#pool, async (client) => {
      await client.query("SELECT revision FROM store_revision WHERE id = 1 FOR UPDATE");
      const outcome = await work(client);
      if (outcome.changed) {
        const bumped = await client.query<{ revision: number }>(
          "UPDATE store_revision SET revision = revision + 1 WHERE id = 1 RETURNING revision",
        );
        const entry = changeEntry(bumped.rows[0]?.revision ?? 0, outcome.categories, this.#writer, this.#clock());
        // A handle that never migrated (the migration tests write legacy rows through one) has no log.
        if (this.#stories) {
          await client.query(
            `INSERT INTO store_changes (revision, categories, every_category, writer, written_at)
             VALUES ($1, $2::jsonb, $3, $4, $5)`,
            [entry.revision, JSON.stringify(entry.categories), entry.everyCategory, entry.writer, entry.at],
          );
          await client.query("DELETE FROM store_changes WHERE revision <= $1", [trimmedThrough(entry.revision)]);
        }
        await client.query("SELECT pg_notify($1, $2)", [CHANGES_CHANNEL, encodeChange(entry)]);
      }
      return outcome.result;
    });
  }

  async #guard<T>(action: string, work: () => Promise<T>): Promise<T> {
    if (this.#closed) throw new StoreError(`store: ${action} failed: the store is closed`);
    try {
      return await work();
    } catch (cause) {
      if (cause instanceof StoreError) throw cause;
      throw new StoreError(`store: ${action} failed: ${describe(cause)}`, { cause });
    }
  }
}

/** The caps rule's counts for one (topic, callback), read on `db` (in the caller's transaction, if any). */
async function judgeStoredSubscription(
  db: Pick<PoolClient, "query">,
  topic: string,
  callback: string,
  now: EpochMs,
  caps: SubscriptionCaps | undefined,
): Promise<SubscriptionWrite> {
  const live = await db.query(
    "SELECT 1 FROM websub_subscriptions WHERE topic = $1 AND callback = $2 AND expires_at > $3",
    [topic, callback, now],
  );
  const renewal = (live.rowCount ?? 0) > 0;
  if (caps === undefined) return renewal ? "renewed" : "created";
  const counts = await db.query<{ host: number; total: number }>(
    `SELECT count(*) FILTER (WHERE callback_host = $1) AS host, count(*) AS total
     FROM websub_subscriptions WHERE expires_at > $2`,
    [callbackHost(callback), now],
  );
  const row = counts.rows[0];
  return judgeSubscription({ renewal, host: row?.host ?? 0, total: row?.total ?? 0 }, caps);
}

const SOURCE_STATE_COLUMNS = `source_id, last_run_at, last_success_at, last_error, last_error_at, consecutive_failures,
  items_collected, etag, last_modified, next_attempt_at, warnings::text AS warnings`;

async function readSourceState(db: pg.Pool | PoolClient, sourceId: string): Promise<SourceStateRow | undefined> {
  const result = await db.query<SourceStateRow>(
    `SELECT ${SOURCE_STATE_COLUMNS} FROM source_state WHERE source_id = $1`,
    [sourceId],
  );
  return result.rows[0];
}

/** Source health after a run: success resets the failure streak, the last error stays as history. */
async function recordRun(client: PoolClient, run: SourceRunRecord, inserted: number): Promise<void> {
  const next = sourceStateAfterRun(await readSourceState(client, run.sourceId), run, inserted);
  await client.query(
    `INSERT INTO source_state
       (source_id, last_run_at, last_success_at, last_error, last_error_at, consecutive_failures, items_collected,
        etag, last_modified, next_attempt_at, warnings)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb)
     ON CONFLICT (source_id) DO UPDATE SET
       last_run_at = excluded.last_run_at, last_success_at = excluded.last_success_at,
       last_error = excluded.last_error, last_error_at = excluded.last_error_at,
       consecutive_failures = excluded.consecutive_failures, items_collected = excluded.items_collected,
       etag = excluded.etag, last_modified = excluded.last_modified,
       next_attempt_at = excluded.next_attempt_at, warnings = excluded.warnings`,
    [
      next.source_id,
      next.last_run_at,
      next.last_success_at,
      next.last_error,
      next.last_error_at,
      next.consecutive_failures,
      next.items_collected,
      next.etag,
      next.last_modified,
      next.next_attempt_at,
      next.warnings,
    ],
  );
}

/** When an item last left the query's feed (of its kind, if it has one); null when none ever did. */
async function latestDeparture(db: pg.Pool, query: FeedQuery): Promise<number | null> {
  const result = await db.query<{ departed_at: number | null }>(
    `SELECT max(departed_at) AS departed_at FROM feed_departures
     WHERE slug = ANY($1::text[]) AND ($2::text IS NULL OR kind = $2::text)`,
    [departureSlugs(query), query.kind ?? null],
  );
  return result.rows[0]?.departed_at ?? null;
}

/**
 * Before deleting items: record that they left each of their categories and "*" (`all`).
 * DISTINCT because ON CONFLICT cannot touch one row twice in a statement; departures only move
 * forward, since another instance's clock may lag this one's.
 */
async function recordDeletions(client: PoolClient, ids: readonly string[], now: EpochMs): Promise<void> {
  await client.query(
    `INSERT INTO feed_departures (slug, kind, departed_at)
     SELECT DISTINCT d.slug, d.kind, $3::bigint FROM (
       SELECT c.slug, i.kind FROM item_categories c JOIN items i ON i.id = c.item_id WHERE c.item_id = ANY($1::text[])
       UNION ALL
       SELECT $2::text, i.kind FROM items i WHERE i.id = ANY($1::text[])
     ) AS d (slug, kind)
     ON CONFLICT (slug, kind) DO UPDATE SET departed_at = GREATEST(feed_departures.departed_at, excluded.departed_at)`,
    [ids, STORE_SLUG, now],
  );
}

/**
 * One category pages straight off item_categories_page; a union uses EXISTS so an item in two of
 * the asked categories still comes back once. Ties on `published` are broken by id, so paging is
 * stable and complete. One row more than asked tells whether an older page exists.
 */
function feedSql(query: FeedQuery): { text: string; values: unknown[] } {
  const values: unknown[] = [query.limit + 1, (query.page - 1) * query.limit];
  const kind = query.kind === undefined ? "" : `AND i.kind = $${values.push(query.kind)}`;
  // Rows strictly after the cursor in feed order (published DESC, id DESC).
  const after = (published: string, id: string): string => {
    if (query.before === undefined) return "";
    const at = `$${values.push(query.before.published)}::bigint`;
    const below = `$${values.push(query.before.id)}::text`;
    return `AND (${published} < ${at} OR (${published} = ${at} AND ${id} < ${below}))`;
  };
  const [only] = query.categories;
  if (query.categories.length === 0) {
    return {
      text: `SELECT ${ITEM_COLUMNS} FROM items i WHERE TRUE ${kind} ${after("i.published", "i.id")}
        ORDER BY i.published DESC, i.id DESC LIMIT $1 OFFSET $2`,
      values,
    };
  }
  if (query.categories.length === 1) {
    const slug = `$${values.push(only)}`;
    return {
      text: `SELECT ${ITEM_COLUMNS} FROM item_categories c JOIN items i ON i.id = c.item_id
        WHERE c.slug = ${slug} ${kind} ${after("c.published", "c.item_id")}
        ORDER BY c.published DESC, c.item_id DESC LIMIT $1 OFFSET $2`,
      values,
    };
  }
  const slugs = `$${values.push([...query.categories])}::text[]`;
  return {
    text: `SELECT ${ITEM_COLUMNS} FROM items i
      WHERE EXISTS (SELECT 1 FROM item_categories c WHERE c.item_id = i.id AND c.slug = ANY(${slugs}))
      ${kind} ${after("i.published", "i.id")}
      ORDER BY i.published DESC, i.id DESC LIMIT $1 OFFSET $2`,
    values,
  };
}

/**
 * The default and `?kind=article` feeds: stories, shown through their best member (stories.item_id),
 * in the same order and with the same cursor as items, off stories_feed_order or
 * story_categories_page. One row more than asked tells whether an older page exists.
 */
function storyFeedSql(query: FeedQuery): { text: string; values: unknown[] } {
  const values: unknown[] = [query.limit + 1, (query.page - 1) * query.limit];
  const articles = query.kind === "article" ? "AND s.has_article" : "";
  const columns = `${ITEM_COLUMNS}, ${STORY_FEED_COLUMNS}`;
  // Rows strictly after the cursor in feed order (published DESC, id DESC).
  const after = (published: string, id: string): string => {
    if (query.before === undefined) return "";
    const at = `$${values.push(query.before.published)}::bigint`;
    const below = `$${values.push(query.before.id)}::text`;
    return `AND (${published} < ${at} OR (${published} = ${at} AND ${id} < ${below}))`;
  };
  const [only] = query.categories;
  if (query.categories.length === 0) {
    return {
      text: `SELECT ${columns} FROM stories s JOIN items i ON i.id = s.item_id WHERE TRUE ${articles} ${after("s.published", "s.id")}
        ORDER BY s.published DESC, s.id DESC LIMIT $1 OFFSET $2`,
      values,
    };
  }
  if (query.categories.length === 1) {
    const slug = `$${values.push(only)}`;
    return {
      text: `SELECT ${columns} FROM story_categories c JOIN stories s ON s.id = c.story_id JOIN items i ON i.id = s.item_id
        WHERE c.slug = ${slug} ${articles} ${after("c.published", "c.story_id")}
        ORDER BY c.published DESC, c.story_id DESC LIMIT $1 OFFSET $2`,
      values,
    };
  }
  const slugs = `$${values.push([...query.categories])}::text[]`;
  return {
    text: `SELECT ${columns} FROM stories s JOIN items i ON i.id = s.item_id
      WHERE EXISTS (SELECT 1 FROM story_categories c WHERE c.story_id = s.id AND c.slug = ANY(${slugs}))
      ${articles} ${after("s.published", "s.id")}
      ORDER BY s.published DESC, s.id DESC LIMIT $1 OFFSET $2`,
    values,
  };
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
