import { mkdirSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import {
  type ClassifiedItem,
  type Clock,
  type EpochMs,
  type FeedQuery,
  type Retention,
  type SourceState,
  type StoredItem,
} from "../../model/index.js";
import type {
  CategoryDayCount,
  ClaimedDelivery,
  DeliveryClaim,
  DeliveryKey,
  FeedPage,
  ItemToReclassify,
  PruneResult,
  RecordedRun,
  SourceRunRecord,
  SourceStateChanges,
  ChangeWatch,
  Store,
  StoreChange,
  SubscriptionCaps,
  SubscriptionWrite,
  UpsertResult,
  WatchChangesOptions,
  WebSubSubscription,
} from "../store.js";
import { StoreError } from "../store-error.js";
import { applyMigrations } from "./apply-migrations.js";
import {
  itemToReclassifyFromRow,
  storedItemFromRow,
  type ItemRow,
  type ReclassificationRow,
} from "../rows/item-row.js";
import { MIGRATIONS } from "./migrations.js";
import { registerSqlFunctions } from "./sql-functions.js";
import { sourceStateAfterRun, sourceStateFromRow, type SourceStateRow } from "../rows/source-state-row.js";
import { departureSlugs, STORE_SLUG } from "../rows/departures.js";
import { checkQuery, checkRetention, firstOfEachId } from "../rows/run-rules.js";
import {
  claimedDeliveryFromRow,
  subscriptionFromRow,
  type ClaimedDeliveryRow,
  type SubscriptionRow,
} from "../rows/subscription-row.js";
import { judgeSubscription } from "../rows/subscription-caps.js";
import { LIVE_IN_ALL_SQL, LIVE_ON_HOST_SQL } from "./subscription-counts.js";
import { callbackHost } from "../../urls/callback-host.js";
import { STORY_FEED_COLUMNS, storedStoryFromRow, type StoryFeedRow } from "../rows/story-row.js";
import { SqliteStoryWrites } from "./story-writes.js";
import { SqliteItemWrites } from "./item-writes.js";
import { newStoryMembers, planCategories, planRun } from "../rows/item-plan.js";
import { SqliteStatusHistory } from "./status-history.js";
import { changeEntry, entryChange, newWriterId } from "../rows/change-log.js";
import { SqliteChangeLog } from "./change-log.js";
import { SqliteStateVersions } from "./state-versions.js";
import { SqliteChangeWatch } from "./change-watch.js";

export interface SqliteStoreOptions {
  /** Stamps `schema_migrations.applied_at`; defaults to the system clock. */
  readonly clock?: Clock;
}

/** How long a writer waits for another process (serve vs collect) to release the database. */
const BUSY_TIMEOUT_MS = 5_000;
/**
 * How long one attempt may block waiting for that lock. better-sqlite3 is synchronous: SQLite's
 * own busy wait would stall the whole event loop (every feed poll) for as long as another
 * process writes, so each attempt waits this long at most and the rest of the wait is an async
 * sleep between attempts (see #retrying).
 */
const BUSY_SLICE_MS = 25;

/**
 * Open (creating it and its parent directory if needed) a SQLite database file, or `:memory:`.
 * Call `migrate()` before anything else.
 */
export function openSqliteStore(path: string, opts: SqliteStoreOptions = {}): SqliteStore {
  let db: Database.Database | undefined;
  try {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    db = new Database(path);
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`); // opening may wait: nothing is served yet
    // WAL lets the server read while the worker writes; NORMAL is durable against process
    // crashes in WAL mode and only risks the last commits on power loss (sqlite.org/wal.html).
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    registerSqlFunctions(db);
    db.pragma(`busy_timeout = ${BUSY_SLICE_MS}`);
  } catch (cause) {
    db?.close();
    throw new StoreError(`store: cannot open SQLite database ${JSON.stringify(path)}`, { cause });
  }
  return new SqliteStore(db, opts.clock ?? Date.now);
}

type FeedShape = "all" | "one" | "many";

/** better-sqlite3 behind the async Store interface; nothing outside store/ sees that it is synchronous. */
export class SqliteStore implements Store {
  readonly #db: Database.Database;
  readonly #clock: Clock;
  #statements: Statements | undefined;
  #departureStatements: DepartureStatements | undefined;
  #websubStatements: WebSubStatements | undefined;
  readonly #feedStatements = new Map<string, Database.Statement<[FeedParams], ItemRow>>();
  readonly #storyFeedStatements = new Map<string, Database.Statement<[FeedParams], StoryFeedRow>>();
  #storyWrites: SqliteStoryWrites | undefined;
  #itemWrites: SqliteItemWrites | undefined;
  #statusHistory: SqliteStatusHistory | undefined;
  #storySlugStatement: Database.Statement<[string], { story_id: string; slug: string }> | undefined;
  #changeLog: SqliteChangeLog | undefined;
  #stateVersions: SqliteStateVersions | undefined;
  /** Logged with each write this instance makes, so watchers tell its changes from other processes'. */
  readonly #writer = newWriterId();
  readonly #watches = new Set<SqliteChangeWatch>();
  /**
   * Whether this handle keeps stories (migration 6): set by migrate(). A handle that never
   * migrated works on the schema it finds, as before stories (the migration tests write legacy
   * rows through one); the items it stores get their story at the next migrate(). Such a handle
   * writes no run history (migration 8), no change log (migration 10) and no source state
   * versions (migration 11) either.
   */
  #stories = false;

  constructor(db: Database.Database, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  async migrate(): Promise<void> {
    await this.#retrying("migrate", () => applyMigrations(this.#db, MIGRATIONS, this.#clock()));
    this.#stories = true;
    await this.#retrying("assign stories to stored items", () =>
      this.#write(() => {
        const changed = this.#storyWriter.adoptUnassigned(this.#clock());
        return { plan: undefined, changed: changed !== undefined, categories: changed ?? [] };
      }),
    );
  }

  async commitRun(run: SourceRunRecord, items: readonly ClassifiedItem[], now: EpochMs): Promise<UpsertResult> {
    return this.#retrying(`commit run of source ${JSON.stringify(run.sourceId)}`, () => {
      const plan = this.#write(() => {
        const unique = firstOfEachId(items);
        const { plan, writes } = planRun(unique, this.#items.load(unique.map((item) => item.id)), now);
        this.#items.flush(writes, now);
        if (this.#stories) {
          // After the flush, as on PostgreSQL: items of one run sharing a key join one story.
          const joined = this.#storyWriter.join(newStoryMembers(unique, plan.inserted, now));
          const stories = new Set([...joined, ...this.#storyWriter.storiesOf(plan.updated)]);
          this.#refreshStories(stories, now, plan.changedCategories);
        }
        this.#recordRun(run, plan.inserted.length);
        // The run history exists from migration 8; a handle that never migrated has none to write.
        if (this.#stories) this.#history.record(run, plan.inserted.length, plan.updated.length);
        return {
          plan,
          changed: plan.inserted.length + plan.updated.length > 0,
          categories: plan.changedCategories,
        };
      });
      return {
        inserted: plan.inserted,
        updated: plan.updated,
        unchanged: plan.unchanged,
        changedCategories: [...plan.changedCategories].sort(),
      };
    });
  }

  async knownIds(ids: readonly string[]): Promise<ReadonlySet<string>> {
    return this.#retrying("known ids", () => {
      if (ids.length === 0) return new Set<string>();
      return new Set(this.#sql.knownIdsOrAliases.all(JSON.stringify(ids)));
    });
  }

  async queryFeed(query: FeedQuery): Promise<FeedPage> {
    checkQuery(query);
    return this.#retrying("query feed", () => {
      const shape: FeedShape = query.categories.length === 0 ? "all" : query.categories.length === 1 ? "one" : "many";
      const params: FeedParams = {
        limit: query.limit + 1, // one more than asked tells whether an older page exists
        offset: (query.page - 1) * query.limit,
        ...(query.before === undefined ? {} : { beforePublished: query.before.published, beforeId: query.before.id }),
        ...(shape === "one" ? { slug: query.categories[0] } : {}),
        ...(shape === "many" ? { slugs: JSON.stringify(query.categories) } : {}),
        ...(query.kind === undefined ? {} : { kind: query.kind }),
      };
      const departedAt = this.#departures.latestDeparture.get({
        slugs: JSON.stringify(departureSlugs(query)),
        kind: query.kind ?? null,
      });
      if (this.#stories && query.kind !== "ticker") {
        // One story, one item: the default and `?kind=article` feeds list stories.
        const rows = this.#storyFeedStatement(shape, query.kind === "article", query.before !== undefined).all(params);
        return {
          items: this.#storiesWithCategories(rows.slice(0, query.limit)),
          hasMore: rows.length > query.limit,
          ...(departedAt == null ? {} : { departedAt }),
        };
      }
      const rows = this.#feedStatement(shape, query.kind !== undefined, query.before !== undefined).all(params);
      const page = rows.slice(0, query.limit);
      return {
        items: this.#withCategories(page),
        hasMore: rows.length > query.limit,
        ...(departedAt == null ? {} : { departedAt }),
      };
    });
  }

  async prune(sourceId: string, retention: Retention, now: EpochMs): Promise<PruneResult> {
    checkRetention(retention);
    return this.#retrying(`prune source ${JSON.stringify(sourceId)}`, () =>
      this.#write(() => {
        const doomed = new Set(this.#sql.overflowIds.all(sourceId, keepCount(retention.maxItemsPerSource)));
        if (Number.isFinite(retention.maxAgeMs)) {
          for (const id of this.#sql.expiredIds.all(sourceId, now - retention.maxAgeMs)) doomed.add(id);
        }
        return this.#removeItems([...doomed], now);
      }),
    );
  }

  async purgeSource(sourceId: string, now: EpochMs): Promise<PruneResult> {
    return this.#retrying(`purge source ${JSON.stringify(sourceId)}`, () =>
      this.#write(() => {
        const removed = this.#removeItems(this.#sql.overflowIds.all(sourceId, 0), now);
        const deleted = this.#sql.deleteSourceState.run(sourceId).changes > 0;
        if (deleted && this.#stories) this.#versions.deleted(sourceId);
        return removed;
      }),
    );
  }

  /** Inside a write: delete these items, record their departures, repair their stories. */
  #removeItems(ids: readonly string[], now: EpochMs): Written<PruneResult> {
    const slugs = new Set(ids.length === 0 ? [] : this.#sql.distinctSlugsOf.all(JSON.stringify(ids)));
    const stories = this.#stories ? this.#storyWriter.storiesOf(ids) : [];
    if (ids.length > 0) this.#departures.recordDeletions.run({ ids: JSON.stringify(ids), store: STORE_SLUG, now });
    for (const id of ids) this.#sql.deleteItem.run(id);
    // A story that lost a member shows another one, or goes when it lost its last.
    this.#refreshStories(stories, now, slugs);
    return {
      plan: { removed: ids.length, changedCategories: [...slugs].sort() },
      changed: ids.length > 0,
      categories: slugs,
    };
  }

  async getSourceState(sourceId: string): Promise<SourceState | undefined> {
    return this.#retrying("read source state", () => {
      const row = this.#sql.sourceState.get(sourceId);
      return row === undefined ? undefined : sourceStateFromRow(row);
    });
  }

  async listSourceStates(): Promise<readonly SourceState[]> {
    return this.#retrying("list source states", () => this.#sql.allSourceStates.all().map(sourceStateFromRow));
  }

  async listSourceStatesSince(since: number): Promise<SourceStateChanges> {
    return this.#retrying("list changed source states", () => this.#versions.changesSince(since));
  }

  async categoryStats(): Promise<ReadonlyArray<{ slug: string; count: number; newest?: EpochMs }>> {
    return this.#retrying("category stats", () =>
      (this.#stories ? this.#storyWriter.categoryStats() : this.#sql.categoryStats.all()).map((row) => ({
        slug: row.slug,
        count: row.count,
        newest: row.newest,
      })),
    );
  }

  async recentRuns(): Promise<readonly RecordedRun[]> {
    return this.#retrying("recent runs", () => this.#history.recent());
  }

  async itemsPerDay(since: EpochMs): Promise<readonly CategoryDayCount[]> {
    return this.#retrying("items per day", () => this.#history.itemsPerDay(since));
  }

  async revision(): Promise<number> {
    return this.#retrying("read revision", () => this.#sql.revision.get() ?? 0);
  }

  // Prepared per call, not with #sql: a handle on a schema before migration 12 (the migration
  // tests write legacy rows through one) must still prepare its statements. Called once a pass.
  async classificationFingerprint(): Promise<string | undefined> {
    return this.#retrying("read classification fingerprint", () => {
      const read = this.#db.prepare<[], string | null>(
        "SELECT classification_fingerprint FROM store_revision WHERE id = 1",
      );
      return read.pluck().get() ?? undefined;
    });
  }

  async recordClassificationFingerprint(fingerprint: string): Promise<void> {
    await this.#retrying("record classification fingerprint", () => {
      this.#db.prepare("UPDATE store_revision SET classification_fingerprint = ? WHERE id = 1").run(fingerprint);
    });
  }

  async listItemsForReclassification(afterId: string | undefined, batch: number): Promise<ItemToReclassify[]> {
    if (!Number.isSafeInteger(batch) || batch < 1) {
      throw new StoreError(`store: reclassification batch must be a positive integer, got ${batch}`);
    }
    return this.#retrying("list items for reclassification", () => {
      const rows =
        afterId === undefined ? this.#sql.itemsFromStart.all(batch) : this.#sql.itemsAfter.all(afterId, batch);
      return rows.map(itemToReclassifyFromRow);
    });
  }

  async setItemCategories(
    changes: ReadonlyArray<{ readonly id: string; readonly categories: readonly string[] }>,
    now: EpochMs,
  ): Promise<{ changedCategories: string[] }> {
    return this.#retrying("set item categories", () => {
      const changedCategories = this.#write(() => {
        const known = this.#items.load([...new Set(changes.map((change) => change.id))]);
        const { writes, changedIds, changedCategories: touched } = planCategories(changes, known);
        this.#items.flush(writes, now);
        if (this.#stories) this.#refreshStories(this.#storyWriter.storiesOf(changedIds), now, touched);
        // Each changed item changed at least one slug, so "changed" is "some slug changed".
        return { plan: touched, changed: touched.size > 0, categories: touched };
      });
      return { changedCategories: [...changedCategories].sort() };
    });
  }

  async upsertSubscription(subscription: WebSubSubscription, caps?: SubscriptionCaps): Promise<SubscriptionWrite> {
    return this.#retrying("upsert websub subscription", () =>
      this.#db
        .transaction(() => {
          const judged = this.#judgeSubscription(
            subscription.topic,
            subscription.callback,
            subscription.verifiedAt,
            caps,
          );
          if (judged === "host-full" || judged === "hub-full") return judged;
          this.#websub.saveSubscription.run({
            topic: subscription.topic,
            callback: subscription.callback,
            callback_host: callbackHost(subscription.callback),
            secret: subscription.secret,
            lease_seconds: subscription.leaseSeconds,
            verified_at: subscription.verifiedAt,
            expires_at: subscription.expiresAt,
          });
          return judged;
        })
        .immediate(),
    );
  }

  async previewSubscription(
    topic: string,
    callback: string,
    caps: SubscriptionCaps,
    now: EpochMs,
  ): Promise<SubscriptionWrite> {
    return this.#retrying("preview websub subscription", () => this.#judgeSubscription(topic, callback, now, caps));
  }

  async removeSubscription(topic: string, callback: string): Promise<boolean> {
    return this.#retrying(
      "remove websub subscription",
      () => this.#websub.deleteSubscription.run(topic, callback).changes > 0,
    );
  }

  async listSubscriptions(topic: string, now: EpochMs): Promise<WebSubSubscription[]> {
    return this.#retrying("list websub subscriptions", () =>
      this.#websub.liveSubscriptions.all(topic, now).map(subscriptionFromRow),
    );
  }

  async listSubscribedTopics(now: EpochMs): Promise<string[]> {
    return this.#retrying("list websub topics", () => this.#websub.subscribedTopics.all(now));
  }

  async purgeExpiredSubscriptions(now: EpochMs): Promise<number> {
    return this.#retrying("purge expired websub subscriptions", () => this.#websub.purgeSubscriptions.run(now).changes);
  }

  async queueDeliveries(topic: string, now: EpochMs): Promise<number> {
    return this.#retrying("queue websub deliveries", () => this.#websub.queueDeliveries.run({ topic, now }).changes);
  }

  async claimDeliveries(claim: DeliveryClaim): Promise<ClaimedDelivery[]> {
    return this.#retrying("claim websub deliveries", () =>
      this.#db
        .transaction(() => {
          const params = { token: claim.token, now: claim.now, until: claim.now + claim.leaseMs, limit: claim.limit };
          this.#websub.claimDue.run(params);
          this.#websub.dropOrphans.run(params);
          return this.#websub.claimed.all(params).map(claimedDeliveryFromRow);
        })
        .immediate(),
    );
  }

  async finishDelivery(delivery: DeliveryKey, token: string, retryAt: EpochMs | null): Promise<void> {
    await this.#retrying("finish websub delivery", () =>
      this.#db
        .transaction(() => {
          const key = { ...delivery, token };
          if (retryAt === null) this.#websub.deleteDelivery.run(key);
          else this.#websub.rescheduleDelivery.run({ ...key, retryAt });
          this.#websub.releaseDelivery.run(key);
        })
        .immediate(),
    );
  }

  async nextDeliveryAt(): Promise<EpochMs | undefined> {
    return this.#retrying("read next websub delivery", () => this.#websub.nextDelivery.get() ?? undefined);
  }

  /** Counts for the caps rule, read in the caller's transaction (or alone, for a preview). */
  #judgeSubscription(
    topic: string,
    callback: string,
    now: EpochMs,
    caps: SubscriptionCaps | undefined,
  ): SubscriptionWrite {
    const renewal = this.#websub.liveSubscription.get(topic, callback, now) !== undefined;
    if (caps === undefined) return renewal ? "renewed" : "created";
    const host = this.#websub.liveOnHost.get({ host: callbackHost(callback), now }) ?? 0;
    const total = this.#websub.liveInAll.get({ now }) ?? 0;
    return judgeSubscription({ renewal, host, total }, caps);
  }

  async watchChanges(listener: (change: StoreChange) => void, options: WatchChangesOptions = {}): Promise<ChangeWatch> {
    const start = await this.#retrying("watch changes", () => {
      // data_version before the revision, as in every check (change-watch.ts).
      const dataVersion = this.#log.dataVersion();
      return { dataVersion, revision: this.#sql.revision.get() ?? 0 };
    });
    const watch = new SqliteChangeWatch(
      {
        log: this.#log,
        writer: this.#writer,
        read: (action, work) => this.#retrying(action, work),
        stopped: (stopped) => this.#watches.delete(stopped),
      },
      listener,
      start,
      options,
    );
    this.#watches.add(watch);
    return watch;
  }

  async close(): Promise<void> {
    for (const watch of [...this.#watches]) await watch.stop();
    this.#guard("close", () => {
      if (this.#db.open) this.#db.close();
    });
  }

  /** Bring these stories in line with their members, adding the categories of those that changed. */
  #refreshStories(stories: Iterable<string>, now: EpochMs, changedCategories: Set<string>): void {
    if (!this.#stories) return;
    for (const story of stories) {
      for (const slug of this.#storyWriter.refresh(story, now).changedSlugs) changedCategories.add(slug);
    }
  }

  /** Fill `categories` for a page of story rows with one query: the union of the members'. */
  #storiesWithCategories(rows: readonly StoryFeedRow[]): StoredItem[] {
    if (rows.length === 0) return [];
    const slugs = new Map<string, string[]>();
    for (const { story_id, slug } of this.#storyPageSlugs.all(JSON.stringify(rows.map((row) => row.s_id)))) {
      const list = slugs.get(story_id);
      if (list === undefined) slugs.set(story_id, [slug]);
      else list.push(slug);
    }
    return rows.map((row) => storedStoryFromRow(row, slugs.get(row.s_id) ?? []));
  }

  /** Source health after a run: success resets the failure streak, the last error stays as history. */
  #recordRun(run: SourceRunRecord, inserted: number): void {
    this.#sql.saveSourceState.run(sourceStateAfterRun(this.#sql.sourceState.get(run.sourceId), run, inserted));
    if (this.#stories) this.#versions.written(run.sourceId);
  }

  /** Fill `categories` for a page of rows with one query, not one per item. */
  #withCategories(rows: readonly ItemRow[]): StoredItem[] {
    if (rows.length === 0) return [];
    const slugs = new Map<string, string[]>();
    for (const { item_id, slug } of this.#sql.slugsOfMany.all(JSON.stringify(rows.map((row) => row.id)))) {
      const list = slugs.get(item_id);
      if (list === undefined) slugs.set(item_id, [slug]);
      else list.push(slug);
    }
    return rows.map((row) => storedItemFromRow(row, slugs.get(row.id) ?? []));
  }

  /**
   * Run a write in one IMMEDIATE transaction (the write lock is taken up front, so a concurrent
   * writer waits on busy_timeout instead of failing at upgrade). When anything changed, the
   * revision is bumped and the change logged in the same transaction, and once it committed this
   * instance's watchers hear of it.
   */
  #write<T>(work: () => Written<T>): T {
    const transaction = this.#db.transaction(() => {
      const { plan, changed, categories } = work();
      if (!changed) return { plan, change: undefined };
      if (!this.#stories) {
        this.#sql.bumpRevision.run();
        return { plan, change: undefined };
      }
      const entry = changeEntry(this.#log.bump(), categories, this.#writer, this.#clock());
      this.#log.append(entry);
      return { plan, change: entryChange(entry, true) };
    });
    const { plan, change } = transaction.immediate();
    if (change !== undefined) for (const watch of this.#watches) watch.ownChange(change);
    return plan;
  }

  /**
   * #guard, retried while another process holds the write lock (SQLITE_BUSY), sleeping between
   * attempts so the event loop keeps serving, for up to BUSY_TIMEOUT_MS in all. Every write is
   * one transaction that either committed or did nothing, so a retry never applies anything twice.
   */
  async #retrying<T>(action: string, work: () => T): Promise<T> {
    const deadline = performance.now() + BUSY_TIMEOUT_MS;
    for (let attempt = 0; ; attempt++) {
      try {
        return this.#guard(action, work);
      } catch (error) {
        if (!isBusy(error) || performance.now() > deadline) throw error;
        await sleep(Math.min(200, 5 * 2 ** attempt) * (0.5 + Math.random()));
      }
    }
  }

  #guard<T>(action: string, work: () => T): T {
    try {
      return work();
    } catch (cause) {
      if (cause instanceof StoreError) throw cause;
      throw new StoreError(`store: ${action} failed: ${describe(cause)}`, { cause });
    }
  }

  get #sql(): Statements {
    this.#statements ??= prepareStatements(this.#db);
    return this.#statements;
  }

  get #websub(): WebSubStatements {
    this.#websubStatements ??= prepareWebSubStatements(this.#db);
    return this.#websubStatements;
  }

  get #items(): SqliteItemWrites {
    this.#itemWrites ??= new SqliteItemWrites(this.#db);
    return this.#itemWrites;
  }

  get #storyWriter(): SqliteStoryWrites {
    this.#storyWrites ??= new SqliteStoryWrites(this.#db);
    return this.#storyWrites;
  }

  get #storyPageSlugs(): Database.Statement<[string], { story_id: string; slug: string }> {
    this.#storySlugStatement ??= this.#db.prepare<[string], { story_id: string; slug: string }>(
      `SELECT story_id, slug FROM story_categories
       WHERE story_id IN (SELECT value FROM json_each(?)) ORDER BY story_id, slug`,
    );
    return this.#storySlugStatement;
  }

  #storyFeedStatement(
    shape: FeedShape,
    articlesOnly: boolean,
    withCursor: boolean,
  ): Database.Statement<[FeedParams], StoryFeedRow> {
    const key = `${shape}:${articlesOnly}:${withCursor}`;
    let statement = this.#storyFeedStatements.get(key);
    if (statement === undefined) {
      statement = this.#db.prepare<[FeedParams], StoryFeedRow>(storyFeedSql(shape, articlesOnly, withCursor));
      this.#storyFeedStatements.set(key, statement);
    }
    return statement;
  }

  get #log(): SqliteChangeLog {
    this.#changeLog ??= new SqliteChangeLog(this.#db);
    return this.#changeLog;
  }

  get #versions(): SqliteStateVersions {
    this.#stateVersions ??= new SqliteStateVersions(this.#db);
    return this.#stateVersions;
  }

  get #history(): SqliteStatusHistory {
    this.#statusHistory ??= new SqliteStatusHistory(this.#db);
    return this.#statusHistory;
  }

  get #departures(): DepartureStatements {
    this.#departureStatements ??= prepareDepartureStatements(this.#db);
    return this.#departureStatements;
  }

  #feedStatement(shape: FeedShape, withKind: boolean, withCursor: boolean): Database.Statement<[FeedParams], ItemRow> {
    const key = `${shape}:${withKind}:${withCursor}`;
    let statement = this.#feedStatements.get(key);
    if (statement === undefined) {
      statement = this.#db.prepare<[FeedParams], ItemRow>(feedSql(shape, withKind, withCursor));
      this.#feedStatements.set(key, statement);
    }
    return statement;
  }
}

/** What a write's work did: its result, whether it changed items, and the categories it touched. */
interface Written<T> {
  readonly plan: T;
  readonly changed: boolean;
  readonly categories: Iterable<string>;
}

interface FeedParams {
  readonly limit: number;
  readonly offset: number;
  readonly slug?: string | undefined;
  readonly slugs?: string;
  readonly kind?: string;
  readonly beforePublished?: number;
  readonly beforeId?: string;
}

/** Rows strictly after the cursor in feed order (published DESC, id DESC). */
function afterCursor(published: string, id: string): string {
  return `(${published} < @beforePublished OR (${published} = @beforePublished AND ${id} < @beforeId))`;
}

/**
 * One category pages straight off item_categories_page; a union uses EXISTS so an item in two of
 * the asked categories still comes back once. Ties on `published` are broken by id, so paging is
 * stable and complete.
 */
function feedSql(shape: FeedShape, withKind: boolean, withCursor: boolean): string {
  const kind = withKind ? "AND i.kind = @kind" : "";
  switch (shape) {
    case "all":
      return `SELECT * FROM items i WHERE 1 = 1 ${kind} ${withCursor ? `AND ${afterCursor("i.published", "i.id")}` : ""}
        ORDER BY i.published DESC, i.id DESC LIMIT @limit OFFSET @offset`;
    case "one":
      return `SELECT i.* FROM item_categories c JOIN items i ON i.id = c.item_id
        WHERE c.slug = @slug ${kind} ${withCursor ? `AND ${afterCursor("c.published", "c.item_id")}` : ""}
        ORDER BY c.published DESC, c.item_id DESC LIMIT @limit OFFSET @offset`;
    case "many":
      return `SELECT * FROM items i
        WHERE EXISTS (SELECT 1 FROM item_categories c
                      WHERE c.item_id = i.id AND c.slug IN (SELECT value FROM json_each(@slugs)))
        ${kind} ${withCursor ? `AND ${afterCursor("i.published", "i.id")}` : ""}
        ORDER BY i.published DESC, i.id DESC LIMIT @limit OFFSET @offset`;
  }
}

/**
 * The default and `?kind=article` feeds: stories, shown through their best member (stories.item_id),
 * in the same order and with the same cursor as items, off stories_feed_order or
 * story_categories_page. `kind` binds nothing here: `articlesOnly` filters on has_article.
 */
function storyFeedSql(shape: FeedShape, articlesOnly: boolean, withCursor: boolean): string {
  const articles = articlesOnly ? "AND s.has_article = 1" : "";
  const columns = `i.*, ${STORY_FEED_COLUMNS}`;
  switch (shape) {
    case "all":
      return `SELECT ${columns} FROM stories s JOIN items i ON i.id = s.item_id
        WHERE 1 = 1 ${articles} ${withCursor ? `AND ${afterCursor("s.published", "s.id")}` : ""}
        ORDER BY s.published DESC, s.id DESC LIMIT @limit OFFSET @offset`;
    case "one":
      return `SELECT ${columns} FROM story_categories c JOIN stories s ON s.id = c.story_id JOIN items i ON i.id = s.item_id
        WHERE c.slug = @slug ${articles} ${withCursor ? `AND ${afterCursor("c.published", "c.story_id")}` : ""}
        ORDER BY c.published DESC, c.story_id DESC LIMIT @limit OFFSET @offset`;
    case "many":
      return `SELECT ${columns} FROM stories s JOIN items i ON i.id = s.item_id
        WHERE EXISTS (SELECT 1 FROM story_categories c
                      WHERE c.story_id = s.id AND c.slug IN (SELECT value FROM json_each(@slugs)))
        ${articles} ${withCursor ? `AND ${afterCursor("s.published", "s.id")}` : ""}
        ORDER BY s.published DESC, s.id DESC LIMIT @limit OFFSET @offset`;
  }
}

type Statements = ReturnType<typeof prepareStatements>;
type DepartureStatements = ReturnType<typeof prepareDepartureStatements>;
type WebSubStatements = ReturnType<typeof prepareWebSubStatements>;

/**
 * What reclassification reads (ReclassificationRow), the categories with the row: one statement
 * per batch, each item's slugs a range of the covering item_categories_item index.
 */
const RECLASSIFICATION_COLUMNS = `i.id, i.source_id, i.title, i.summary, i.tags,
  (SELECT json_group_array(c.slug) FROM item_categories c WHERE c.item_id = i.id) AS categories`;

/** Every fixed statement, prepared once (after migrate, since they name its tables). */
function prepareStatements(db: Database.Database) {
  return {
    deleteItem: db.prepare<[string]>("DELETE FROM items WHERE id = ?"),
    slugsOfMany: db.prepare<[string], { item_id: string; slug: string }>(
      `SELECT item_id, slug FROM item_categories
       WHERE item_id IN (SELECT value FROM json_each(?)) ORDER BY item_id, slug`,
    ),
    distinctSlugsOf: db
      .prepare<[string], string>(
        `SELECT DISTINCT slug FROM item_categories
         WHERE item_id IN (SELECT value FROM json_each(?)) ORDER BY slug`,
      )
      .pluck(),
    knownIdsOrAliases: db
      .prepare<[string], string>(
        `SELECT DISTINCT j.value FROM json_each(?) j
         WHERE EXISTS (SELECT 1 FROM items WHERE id = j.value) OR EXISTS (SELECT 1 FROM item_aliases WHERE alias = j.value)`,
      )
      .pluck(),
    overflowIds: db
      .prepare<[string, number], string>(
        "SELECT id FROM items WHERE source_id = ? ORDER BY published DESC, id DESC LIMIT -1 OFFSET ?",
      )
      .pluck(),
    expiredIds: db
      .prepare<[string, number], string>("SELECT id FROM items WHERE source_id = ? AND published < ?")
      .pluck(),
    itemsFromStart: db.prepare<[number], ReclassificationRow>(
      `SELECT ${RECLASSIFICATION_COLUMNS} FROM items i ORDER BY i.id LIMIT ?`,
    ),
    itemsAfter: db.prepare<[string, number], ReclassificationRow>(
      `SELECT ${RECLASSIFICATION_COLUMNS} FROM items i WHERE i.id > ? ORDER BY i.id LIMIT ?`,
    ),
    sourceState: db.prepare<[string], SourceStateRow>("SELECT * FROM source_state WHERE source_id = ?"),
    allSourceStates: db.prepare<[], SourceStateRow>("SELECT * FROM source_state ORDER BY source_id"),
    deleteSourceState: db.prepare<[string]>("DELETE FROM source_state WHERE source_id = ?"),
    saveSourceState: db.prepare<[SourceStateRow]>(`INSERT INTO source_state
      (source_id, last_run_at, last_success_at, last_error, last_error_at, consecutive_failures, items_collected,
       etag, last_modified, next_attempt_at, warnings)
      VALUES (@source_id, @last_run_at, @last_success_at, @last_error, @last_error_at, @consecutive_failures,
       @items_collected, @etag, @last_modified, @next_attempt_at, @warnings)
      ON CONFLICT (source_id) DO UPDATE SET
        last_run_at = excluded.last_run_at, last_success_at = excluded.last_success_at,
        last_error = excluded.last_error, last_error_at = excluded.last_error_at,
        consecutive_failures = excluded.consecutive_failures, items_collected = excluded.items_collected,
        etag = excluded.etag, last_modified = excluded.last_modified,
        next_attempt_at = excluded.next_attempt_at, warnings = excluded.warnings`),
    categoryStats: db.prepare<[], { slug: string; count: number; newest: number }>(
      "SELECT slug, count(*) AS count, max(published) AS newest FROM item_categories GROUP BY slug ORDER BY slug",
    ),
    revision: db.prepare<[], number>("SELECT revision FROM store_revision WHERE id = 1").pluck(),
    bumpRevision: db.prepare("UPDATE store_revision SET revision = revision + 1 WHERE id = 1"),
  };
}

/**
 * Statements on feed_departures (migration 5), prepared on first use rather than with the rest:
 * a handle over an older schema (the migration tests write legacy rows through one) can still
 * do everything that schema supports.
 */
function prepareDepartureStatements(db: Database.Database) {
  return {
    // Run before the delete: each category the items were in, and "*" (they leave `all`).
    // "WHERE true" keeps SQLite from reading ON CONFLICT as a join constraint (sqlite.org/lang_upsert.html).
    recordDeletions: db.prepare<[{ ids: string; store: string; now: number }]>(
      `INSERT INTO feed_departures (slug, kind, departed_at)
       SELECT DISTINCT d.slug, d.kind, @now FROM (
         SELECT c.slug AS slug, i.kind AS kind FROM item_categories c JOIN items i ON i.id = c.item_id
         WHERE c.item_id IN (SELECT value FROM json_each(@ids))
         UNION ALL
         SELECT @store, i.kind FROM items i WHERE i.id IN (SELECT value FROM json_each(@ids))
       ) d WHERE true
       ON CONFLICT (slug, kind) DO UPDATE SET departed_at = max(departed_at, excluded.departed_at)`,
    ),
    latestDeparture: db
      .prepare<[{ slugs: string; kind: string | null }], number | null>(
        `SELECT max(departed_at) FROM feed_departures
         WHERE slug IN (SELECT value FROM json_each(@slugs)) AND (@kind IS NULL OR kind = @kind)`,
      )
      .pluck(),
  };
}

/**
 * Statements on the WebSub tables, prepared on first use like the departure statements: they
 * name migration 7's columns, which a handle over an older schema does not have.
 */
function prepareWebSubStatements(db: Database.Database) {
  const claimable = "next_attempt_at <= @now AND (lease_until IS NULL OR lease_until <= @now)";
  return {
    saveSubscription: db.prepare<[SubscriptionRow & { callback_host: string }]>(`INSERT INTO websub_subscriptions
      (topic, callback, callback_host, secret, lease_seconds, verified_at, expires_at)
      VALUES (@topic, @callback, @callback_host, @secret, @lease_seconds, @verified_at, @expires_at)
      ON CONFLICT (topic, callback) DO UPDATE SET
        secret = excluded.secret, lease_seconds = excluded.lease_seconds,
        verified_at = excluded.verified_at, expires_at = excluded.expires_at`),
    deleteSubscription: db.prepare<[string, string]>(
      "DELETE FROM websub_subscriptions WHERE topic = ? AND callback = ?",
    ),
    liveSubscription: db
      .prepare<[string, string, number], number>(
        "SELECT 1 FROM websub_subscriptions WHERE topic = ? AND callback = ? AND expires_at > ?",
      )
      .pluck(),
    liveOnHost: db.prepare<[{ host: string; now: number }], number>(LIVE_ON_HOST_SQL).pluck(),
    liveInAll: db.prepare<[{ now: number }], number>(LIVE_IN_ALL_SQL).pluck(),
    liveSubscriptions: db.prepare<[string, number], SubscriptionRow>(
      `SELECT topic, callback, secret, lease_seconds, verified_at, expires_at FROM websub_subscriptions
       WHERE topic = ? AND expires_at > ? ORDER BY callback`,
    ),
    subscribedTopics: db
      .prepare<[number], string>("SELECT DISTINCT topic FROM websub_subscriptions WHERE expires_at > ? ORDER BY topic")
      .pluck(),
    purgeSubscriptions: db.prepare<[number]>("DELETE FROM websub_subscriptions WHERE expires_at <= ?"),
    queueDeliveries: db.prepare<[{ topic: string; now: number }]>(
      `INSERT INTO websub_deliveries (topic, callback, generation, attempt, next_attempt_at)
       SELECT topic, callback, 1, 0, @now FROM websub_subscriptions WHERE topic = @topic AND expires_at > @now
       ON CONFLICT (topic, callback) DO UPDATE SET
         generation = generation + 1, attempt = 0, next_attempt_at = excluded.next_attempt_at`,
    ),
    claimDue: db.prepare<[{ token: string; now: number; until: number; limit: number }]>(
      `UPDATE websub_deliveries SET attempt = attempt + 1, lease_token = @token, lease_until = @until
       WHERE (topic, callback) IN (
         SELECT topic, callback FROM websub_deliveries WHERE ${claimable}
         ORDER BY next_attempt_at, topic, callback LIMIT @limit)`,
    ),
    dropOrphans: db.prepare<[{ token: string; now: number }]>(
      `DELETE FROM websub_deliveries WHERE lease_token = @token AND NOT EXISTS (
         SELECT 1 FROM websub_subscriptions s
         WHERE s.topic = websub_deliveries.topic AND s.callback = websub_deliveries.callback AND s.expires_at > @now)`,
    ),
    claimed: db.prepare<[{ token: string }], ClaimedDeliveryRow>(
      `SELECT d.topic, d.callback, d.generation, d.attempt, s.secret, s.lease_seconds, s.verified_at, s.expires_at
       FROM websub_deliveries d JOIN websub_subscriptions s ON s.topic = d.topic AND s.callback = d.callback
       WHERE d.lease_token = @token ORDER BY d.next_attempt_at, d.topic, d.callback`,
    ),
    deleteDelivery: db.prepare<[DeliveryKey & { token: string }]>(
      `DELETE FROM websub_deliveries
       WHERE topic = @topic AND callback = @callback AND generation = @generation AND lease_token = @token`,
    ),
    rescheduleDelivery: db.prepare<[DeliveryKey & { token: string; retryAt: number }]>(
      `UPDATE websub_deliveries SET next_attempt_at = @retryAt, lease_token = NULL, lease_until = NULL
       WHERE topic = @topic AND callback = @callback AND generation = @generation AND lease_token = @token`,
    ),
    releaseDelivery: db.prepare<[DeliveryKey & { token: string }]>(
      `UPDATE websub_deliveries SET lease_token = NULL, lease_until = NULL
       WHERE topic = @topic AND callback = @callback AND lease_token = @token`,
    ),
    nextDelivery: db
      .prepare<[], number | null>("SELECT min(max(next_attempt_at, coalesce(lease_until, 0))) FROM websub_deliveries")
      .pluck(),
  };
}

/** How many newest items to skip before the overflow starts; an unbounded retention keeps every item. */
function keepCount(maxItems: number): number {
  return Number.isFinite(maxItems) ? maxItems : Number.MAX_SAFE_INTEGER;
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

/** Another connection holds the lock (SQLITE_BUSY and its extended codes), wrapped by #guard or not. */
function isBusy(error: unknown): boolean {
  const cause = error instanceof StoreError ? error.cause : error;
  const code = typeof cause === "object" && cause !== null && "code" in cause ? cause.code : undefined;
  return typeof code === "string" && code.startsWith("SQLITE_BUSY");
}
