import type {
  ClassifiableItem,
  ClassifiedItem,
  EpochMs,
  FeedQuery,
  SourceState,
  StoredItem,
  Retention,
} from "../model/index.js";

export { StoreError } from "./store-error.js";

/** The outcome of one source's collect pass, written atomically with its items. */
export interface SourceRunRecord {
  readonly sourceId: string;
  readonly at: EpochMs;
  /** Present when the pass failed; items may still be empty or partial. */
  readonly error?: string;
  /** Non-fatal problems (a bad ticker line, an article page that 404ed). */
  readonly warnings?: readonly string[];
  /** New upstream validators (conditional GET); undefined keeps the old ones. */
  readonly etag?: string | null | undefined;
  readonly lastModified?: string | null | undefined;
  /** Earliest time the next fetch may run (Retry-After, backoff); null clears it. */
  readonly nextAttemptAt?: EpochMs | null;
  /** Upstream answered 304 Not Modified (RFC 9110 §15.4.5): recorded as such in the run history. */
  readonly notModified?: boolean;
}

export type RunOutcome = "ok" | "failed" | "not-modified";

/** One finished run of a source, as the bounded run history keeps it (newest first per source). */
export interface RecordedRun {
  readonly sourceId: string;
  readonly finishedAt: EpochMs;
  readonly outcome: RunOutcome;
  /** Items stored for the first time by this run. */
  readonly inserted: number;
  /** Items whose content or categories this run changed. */
  readonly updated: number;
}

/** How many stories of a category were published on one UTC day. */
export interface CategoryDayCount {
  readonly slug: string;
  /** Start of the UTC day (epoch ms, a multiple of 86,400,000). */
  readonly day: EpochMs;
  readonly count: number;
}

export interface UpsertResult {
  /** Ids stored for the first time. */
  readonly inserted: readonly string[];
  /** Ids whose stored content or categories changed. */
  readonly updated: readonly string[];
  readonly unchanged: number;
  /** Category slugs whose feeds changed ("all" is implied whenever anything changed). */
  readonly changedCategories: readonly string[];
}

export interface PruneResult {
  readonly removed: number;
  readonly changedCategories: readonly string[];
}

/**
 * A stored item as reclassification reads it: what the classifier looks at, and the categories it
 * holds now (sorted), to compare with the new ones.
 */
export interface ItemToReclassify extends ClassifiableItem {
  readonly id: string;
  readonly categories: readonly string[];
}

/** A page of a feed plus the facts validators are built from. */
export interface FeedPage {
  readonly items: readonly StoredItem[];
  /** Whether a further (older) page exists. */
  readonly hasMore: boolean;
  /**
   * When an item last left this feed (pruned, or reclassified out of one of its categories),
   * restricted to the query's kind; absent when none ever did. Items on the page cannot show a
   * departure, yet it changes the feed (RFC 9110 §8.8.2), so Last-Modified needs it.
   */
  readonly departedAt?: EpochMs;
}

/**
 * A verified WebSub subscription (W3C WebSub §5.1, §5.3): the hub keeps one per (topic, callback).
 */
export interface WebSubSubscription {
  /** The subscribed feed's canonical URL (its rel="self"; the hub canonicalizes `hub.topic`). */
  readonly topic: string;
  /** Absolute http(s) URL deliveries are POSTed to (`hub.callback`). */
  readonly callback: string;
  /** HMAC key for `X-Hub-Signature` (WebSub §5.1: under 200 bytes); null sends unsigned deliveries. */
  readonly secret: string | null;
  /** The lease granted at the last verification. */
  readonly leaseSeconds: number;
  /** When intent was last verified (subscribe or renewal). */
  readonly verifiedAt: EpochMs;
  /** verifiedAt + leaseSeconds; from this instant on the subscription gets no deliveries. */
  readonly expiresAt: EpochMs;
}

/**
 * Bounds a new subscription must fit under (issue 9: subscriptions multiply renders and POSTs on
 * every change). Only live subscriptions count; a renewal of a live (topic, callback) always fits.
 */
export interface SubscriptionCaps {
  /** Live subscriptions whose callbacks share one host (src/urls/callback-host.ts). */
  readonly perHost: number;
  /** Live subscriptions in all. */
  readonly total: number;
}

/** What a subscription write did, or why it was refused (nothing written). */
export type SubscriptionWrite = "created" | "renewed" | "host-full" | "hub-full";

/** A delivery's key and the change it carries: what a sender reports back on. */
export interface DeliveryKey {
  readonly topic: string;
  readonly callback: string;
  /** Bumped each time a newer change supersedes the pending delivery. */
  readonly generation: number;
}

/** A pending content distribution (WebSub §7) claimed by one sender, under a lease. */
export interface ClaimedDelivery extends DeliveryKey {
  /** The attempt this claim is for: 1 for the first; counted at claim, so a sender dying counts. */
  readonly attempt: number;
  /** The subscription as it is now: its current secret signs the request. */
  readonly subscription: WebSubSubscription;
}

export interface DeliveryClaim {
  /** Unique to this claim: only its holder may finish the rows it claims. */
  readonly token: string;
  readonly now: EpochMs;
  /** The claim lapses at now + leaseMs; then another sender may claim the rows again. */
  readonly leaseMs: number;
  readonly limit: number;
}

/** What `Store.listSourceStatesSince` read: apply `removed` first, then `states`. */
export interface SourceStateChanges {
  /**
   * States written after the version asked about (their current content), oldest write first:
   * the order of the version index, so a read that finds nothing changed touches no row.
   */
  readonly states: readonly SourceState[];
  /**
   * Sources whose state was deleted after it. A source purged and then run again is in both:
   * its state row exists now, so it was written after the deletion and wins.
   */
  readonly removed: readonly string[];
  /** The newest version in this snapshot: what to pass next time. */
  readonly version: number;
}

/** One committed change to items, as `Store.watchChanges` reports it. */
export interface StoreChange {
  /** The store's revision after the change. */
  readonly revision: number;
  /** Category slugs whose feeds changed ("all" is implied). */
  readonly categories: readonly string[];
  /**
   * Set when the changed categories are not known (changes fell out of the bounded change log
   * before this watcher read them, or touched too many categories to list): treat every category
   * as changed.
   */
  readonly everyCategory?: boolean;
  /**
   * Whether this store instance wrote it (each instance has its own writer id, logged with every
   * change). Whoever made its own write already knows what it touched; a change that is not ours
   * came from another process or replica (`npm run collect` beside `npm start`).
   */
  readonly ours: boolean;
}

export interface WatchChangesOptions {
  /**
   * How often a store that must look (SQLite) checks for other processes' commits; a check that
   * finds none is one `PRAGMA data_version`. PostgreSQL is told (LISTEN/NOTIFY) and ignores it.
   */
  readonly pollMs?: number;
  /** Told when a periodic check failed; the next one catches up, since nothing counts as seen until read. */
  readonly onError?: (error: unknown) => void;
}

/** A running `watchChanges`. */
export interface ChangeWatch {
  /**
   * True when the database itself tells this watch of other processes' commits as they happen
   * (PostgreSQL NOTIFY); false when it finds them by polling (SQLite), so a process that knows
   * another one just wrote (a cluster primary's relay) should call `checkNow`.
   */
  readonly pushed: boolean;
  /**
   * Look for changes committed elsewhere now, rather than at the next poll: a process told that the
   * store changed (a cluster primary relaying it over IPC) calls this. Resolves once every change
   * committed before the call has been reported.
   */
  checkNow(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The only way the rest of the service touches persistent state. Async throughout so the
 * PostgreSQL implementation fits behind it; nothing outside store/ may assume SQLite.
 */
export interface Store {
  /** Apply pending migrations in order; safe to call on every start. */
  migrate(): Promise<void>;

  /**
   * Upsert a source's items and record the run, in one transaction. An item seen before keeps
   * its id, `published` and `firstSeen`; a changed item gets a new `updated`. `now` is the
   * first-seen time for new items and the published time for undated ones. Ids are global: when
   * several sources carry one id, the first to store it owns its content (and its retention),
   * and its categories are the union of every carrying source's latest classification.
   */
  commitRun(run: SourceRunRecord, items: readonly ClassifiedItem[], now: EpochMs): Promise<UpsertResult>;

  /**
   * Which of these strings name a stored item: as its id, or as one of the `aliases` an item was
   * committed with (the URL an article page was fetched from when its canonical URL differs).
   * html-articles skips known pages with it, so aliases are written in the same transaction as
   * their item and go with it (prune), but they are not content: they change no feed.
   */
  knownIds(ids: readonly string[]): Promise<ReadonlySet<string>>;

  /** Items for a feed, newest first (by published, then id), one page. */
  queryFeed(query: FeedQuery): Promise<FeedPage>;

  /** Apply retention per source; returns what changed. */
  prune(sourceId: string, retention: Retention, now: EpochMs): Promise<PruneResult>;

  /**
   * Delete every item a source owns, and its run state, in one transaction, as prune does
   * (departures recorded, stories repaired): for a source removed from the config, whose items
   * otherwise stay in the feeds until nothing. Items it only co-carries stay with their owner.
   */
  purgeSource(sourceId: string, now: EpochMs): Promise<PruneResult>;

  getSourceState(sourceId: string): Promise<SourceState | undefined>;
  listSourceStates(): Promise<readonly SourceState[]>;

  /**
   * The source states written (a run committed) or deleted (purgeSource) after `since`, a version
   * an earlier call returned (0: every state), read in one snapshot. Each write of a state takes
   * the next store-wide version in its transaction, so a reader that keeps a copy merges these
   * into it and reads O(changed) rows, not all of them (max-age once a second, issue 12).
   */
  listSourceStatesSince(since: number): Promise<SourceStateChanges>;

  /** Per-category item count and newest published time, for status pages. */
  categoryStats(): Promise<ReadonlyArray<{ slug: string; count: number; newest?: EpochMs }>>;

  /**
   * The newest runs of every source (at most RUN_HISTORY_LENGTH each, see rows/run-history.ts),
   * ordered by source id, then newest first. Written by commitRun in the run's transaction.
   */
  recentRuns(): Promise<readonly RecordedRun[]>;

  /**
   * Per category, how many stories (what feeds list) were published on each UTC day from the day
   * holding `since` on; days without any are absent. Ordered by slug, then day.
   */
  itemsPerDay(since: EpochMs): Promise<readonly CategoryDayCount[]>;

  /**
   * A counter bumped in the same transaction as every committed change to items (insert,
   * content or category change, prune), so replicas and caches can tell the store changed
   * with one cheap read. It never decreases and does not move when nothing changed.
   */
  revision(): Promise<number>;

  /**
   * What `recordClassificationFingerprint` last recorded: the fingerprint of the rules every
   * stored item is classified under. Undefined when none was recorded (a new store, or one
   * migrated from before the fingerprint was kept).
   */
  classificationFingerprint(): Promise<string | undefined>;

  /**
   * Remember that every stored item is classified under the rules with this fingerprint: called
   * only once a reclassification pass over every item completed. Changes no item and does not
   * move the revision.
   */
  recordClassificationFingerprint(fingerprint: string): Promise<void>;

  /**
   * One batch of stored items in id order, starting after `afterId` (undefined: from the
   * start), with their categories, read in one statement; an empty result means the walk is done.
   * Only what classification reads: used to reclassify every stored item after a category config
   * change, and by `classify --against-store`.
   */
  listItemsForReclassification(afterId: string | undefined, batch: number): Promise<ItemToReclassify[]>;

  /**
   * Replace, in one transaction, the categories these items get from their own source (the
   * `sourceId` listForReclassification returned). An item carried by several sources keeps the
   * union with what the others gave on their last pass. Only items whose set of slugs really
   * changed get `changedAt = now` (and bump the revision); unknown ids are skipped. Returns the
   * union of old and new slugs of the changed items.
   */
  setItemCategories(
    changes: ReadonlyArray<{ readonly id: string; readonly categories: readonly string[] }>,
    now: EpochMs,
  ): Promise<{ changedCategories: string[] }>;

  // ---- WebSub hub (W3C WebSub Recommendation; src/websub/) ----------------------------------

  /**
   * Insert or replace the subscription keyed by (topic, callback): a renewal overwrites the
   * secret, lease, verifiedAt and expiresAt. Does not touch the item revision. With `caps`, a
   * new subscription that would not fit (counted at `verifiedAt`, atomically with the write) is
   * refused and nothing is written.
   */
  upsertSubscription(subscription: WebSubSubscription, caps?: SubscriptionCaps): Promise<SubscriptionWrite>;

  /** What `upsertSubscription` with `caps` would answer at `now`, writing nothing. */
  previewSubscription(
    topic: string,
    callback: string,
    caps: SubscriptionCaps,
    now: EpochMs,
  ): Promise<SubscriptionWrite>;

  /** Delete the (topic, callback) subscription; true when one existed. */
  removeSubscription(topic: string, callback: string): Promise<boolean>;

  /** The subscriptions of a topic still live at `now` (expiresAt > now), ordered by callback. */
  listSubscriptions(topic: string, now: EpochMs): Promise<WebSubSubscription[]>;

  /**
   * The distinct topics with at least one subscription live at `now`, sorted: topics are any
   * feed variant URL, so on a change the hub walks these instead of guessing URLs.
   */
  listSubscribedTopics(now: EpochMs): Promise<string[]>;

  /** Delete every subscription with expiresAt <= now; returns how many were removed. */
  purgeExpiredSubscriptions(now: EpochMs): Promise<number>;

  /**
   * Queue a delivery of `topic` to every subscription of it live at `now`, due at `now`, and
   * return how many. A pending delivery to the same subscriber is superseded (generation + 1,
   * attempts from 0) and keeps any lease: a subscriber never gets two requests at once.
   */
  queueDeliveries(topic: string, now: EpochMs): Promise<number>;

  /**
   * Claim up to `limit` deliveries due at `now` and not leased, oldest first, counting their
   * attempt; rows without a live subscription are dropped instead. PostgreSQL skips rows another
   * claim has locked, so concurrent senders never get the same row.
   */
  claimDeliveries(claim: DeliveryClaim): Promise<ClaimedDelivery[]>;

  /**
   * Report on a claimed delivery: `retryAt` null deletes it (delivered, gone, given up), else it
   * becomes due then. Only the lease holder (`token`) may; a delivery superseded meanwhile is
   * kept, due for its newer change, and merely released.
   */
  finishDelivery(delivery: DeliveryKey, token: string, retryAt: EpochMs | null): Promise<void>;

  /** When the next queued delivery becomes claimable (due and its lease lapsed); undefined: none queued. */
  nextDeliveryAt(): Promise<EpochMs | undefined>;

  /**
   * Be told of every change to items committed by any store instance sharing this database, this
   * one included (`ours`), from the change log written in each write's transaction: a rolled-back
   * write is never reported. Changes this instance wrote are reported as they commit; others' at the
   * next check (PostgreSQL: as NOTIFY delivers them; SQLite: every `pollMs`, or at `checkNow`).
   * Each change is reported once; changes missed beyond the log's bound arrive as one `everyCategory`.
   * The listener must not throw.
   */
  watchChanges(listener: (change: StoreChange) => void, options?: WatchChangesOptions): Promise<ChangeWatch>;

  close(): Promise<void>;
}
