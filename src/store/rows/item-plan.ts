/**
 * What a write of items does, decided in memory from the stored state of the ids it touches, the
 * same way on both databases: load → plan → flush. Each store loads `KnownItem`s with a few
 * set-based reads, plans here, then flushes the `WritePlan` with its own statements; nothing in
 * this file does I/O.
 */
import type { ClassifiedItem, EpochMs, ItemKind } from "../../model/index.js";
import type { JoiningItem } from "../stories/story-key.js";
import { StoreError } from "../store-error.js";
import { contentHash } from "./content-hash.js";
import { leftSlugs } from "./departures.js";
import { itemContentParams, type ItemContentParams } from "./item-row.js";
import { aliasesOf, changedContentUpdated, firstStoredDates, uniqueSlugs } from "./run-rules.js";

/** What a write needs to know about a stored item, kept current as the write plans changes. */
export interface KnownItem {
  /** The source that stored the item first: it owns content and retention. */
  readonly sourceId: string;
  readonly published: number;
  readonly contentHash: string;
  /** As stored: the kind whose filtered feeds the item leaves when it loses a category. */
  readonly kind: ItemKind;
  /** Each carrying source's latest classification, sorted and unique. */
  readonly contributions: Map<string, readonly string[]>;
  /** The item's categories: the union of the contributions, sorted. */
  slugs: readonly string[];
}

/** A new item's content plus the dates resolved when it was first stored. */
export interface NewItemRow extends ItemContentParams {
  readonly published: number;
  readonly updated: number;
}

/** A stored item's new content; `published` and `first_seen` never change. */
export interface ContentUpdateRow extends ItemContentParams {
  readonly updated: number;
}

/** One source's latest classification of one item (a row of item_sources). */
export interface Contribution {
  readonly itemId: string;
  readonly sourceId: string;
  readonly categories: readonly string[];
}

/** An item's categories, written anew (its item_categories rows, dated by its `published`). */
export interface SlugReplacement {
  readonly itemId: string;
  readonly slugs: readonly string[];
  readonly published: number;
}

/** An item of this kind left the feed of this category (stamped `now` on flush). */
export interface Departure {
  readonly slug: string;
  readonly kind: ItemKind;
}

/**
 * The writes one transaction plans, item by item, for the store to send in the order listed by
 * the accessors (new rows first, since the other tables reference items). Each is recorded once
 * per key, so a set-based flush never touches one row twice in a statement (PostgreSQL's ON
 * CONFLICT refuses that) and a later plan for the same key replaces the earlier one.
 */
export class WritePlan {
  readonly #inserts: NewItemRow[] = [];
  readonly #contentUpdates = new Map<string, ContentUpdateRow>();
  readonly #touched = new Set<string>();
  readonly #contributions = new Map<string, Contribution>();
  readonly #slugs = new Map<string, SlugReplacement>();
  readonly #aliases = new Map<string, string>();
  readonly #departures = new Map<string, Departure>();

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
    this.#contributions.set(JSON.stringify([itemId, sourceId]), { itemId, sourceId, categories });
  }

  replaceSlugs(itemId: string, slugs: readonly string[], published: number): void {
    this.#slugs.set(itemId, { itemId, slugs, published });
  }

  /** Record another name of an item (not content: it changes no feed). The last item to claim an alias wins. */
  saveAlias(alias: string, itemId: string): void {
    this.#aliases.set(alias, itemId);
  }

  recordDeparture(slug: string, kind: ItemKind): void {
    this.#departures.set(JSON.stringify([slug, kind]), { slug, kind });
  }

  /** New items, in the order planned. */
  inserts(): readonly NewItemRow[] {
    return this.#inserts;
  }

  contentUpdates(): ContentUpdateRow[] {
    return [...this.#contentUpdates.values()];
  }

  /** Items touched without new content (a content update already stamps `changed_at`). */
  touches(): string[] {
    return [...this.#touched].filter((id) => !this.#contentUpdates.has(id));
  }

  contributions(): Contribution[] {
    return [...this.#contributions.values()];
  }

  slugReplacements(): SlugReplacement[] {
    return [...this.#slugs.values()];
  }

  aliases(): Array<{ readonly alias: string; readonly itemId: string }> {
    return [...this.#aliases].map(([alias, itemId]) => ({ alias, itemId }));
  }

  departures(): Departure[] {
    return [...this.#departures.values()];
  }
}

/** What a run did, as commitRun reports it. */
export interface RunPlan {
  readonly inserted: string[];
  readonly updated: string[];
  unchanged: number;
  readonly changedCategories: Set<string>;
}

/**
 * Plan a source's run: each item (unique by id, see firstOfEachId) inserted, updated or left
 * unchanged against `known` (the stored state of those ids, updated in place), and its aliases.
 */
export function planRun(
  items: readonly ClassifiedItem[],
  known: ReadonlyMap<string, KnownItem>,
  now: EpochMs,
): { plan: RunPlan; writes: WritePlan } {
  const writes = new WritePlan();
  const plan: RunPlan = { inserted: [], updated: [], unchanged: 0, changedCategories: new Set() };
  for (const item of items) {
    planUpsert(item, known.get(item.id), now, writes, plan);
    for (const alias of aliasesOf(item)) writes.saveAlias(alias, item.id);
  }
  return { plan, writes };
}

/**
 * Plan new classifications of stored items (each by its owning source, as reclassification
 * gives them). An id missing from `known` was pruned since it was listed and is skipped.
 * Returns the items whose categories changed and the categories whose feeds did.
 */
export function planCategories(
  changes: ReadonlyArray<{ readonly id: string; readonly categories: readonly string[] }>,
  known: ReadonlyMap<string, KnownItem>,
): { writes: WritePlan; changedIds: string[]; changedCategories: Set<string> } {
  const writes = new WritePlan();
  const changedIds: string[] = [];
  const changedCategories = new Set<string>();
  for (const change of changes) {
    const item = known.get(change.id);
    if (item === undefined) continue;
    const slugs = contribute(item, change.id, item.sourceId, uniqueSlugs(change.categories), writes);
    if (slugs === undefined) continue;
    writes.touch(change.id);
    changedIds.push(change.id);
    for (const slug of [...slugs.before, ...slugs.after]) changedCategories.add(slug);
  }
  return { writes, changedIds, changedCategories };
}

/** The items a run inserted, in run order, as their stories' rules name them. */
export function newStoryMembers(
  items: readonly ClassifiedItem[],
  inserted: readonly string[],
  now: EpochMs,
): JoiningItem[] {
  const isNew = new Set(inserted);
  return (
    items
      .filter((item) => isNew.has(item.id))
      // An undated item is dated by when we first saw it, as planUpsert stored it.
      .map((item) => ({
        id: item.id,
        url: item.url,
        aliases: aliasesOf(item),
        title: item.title,
        published: item.published ?? now,
        sourceId: item.sourceId,
      }))
  );
}

/** Plan the insert of a new item, or the update of a stored one whose content or categories changed. */
export function planUpsert(
  item: ClassifiedItem,
  stored: KnownItem | undefined,
  now: EpochMs,
  writes: WritePlan,
  plan: RunPlan,
): void {
  const hash = contentHash(item);
  const categories = uniqueSlugs(item.categories);
  if (stored === undefined) {
    const { published, updated } = firstStoredDates(item, now);
    writes.insertItem({ ...itemContentParams(item, hash), published, updated });
    writes.saveContribution(item.id, item.sourceId, categories);
    writes.replaceSlugs(item.id, categories, published);
    plan.inserted.push(item.id);
    for (const slug of categories) plan.changedCategories.add(slug);
    return;
  }
  // Only the source that stored the story first rewrites its content; otherwise two feeds
  // carrying the same guid with different summaries would flip the row on every pass.
  const contentChanged = stored.sourceId === item.sourceId && stored.contentHash !== hash;
  const before = stored.slugs;
  const slugs = contribute(stored, item.id, item.sourceId, categories, writes);
  if (!contentChanged && slugs === undefined) {
    plan.unchanged += 1;
    return;
  }
  if (contentChanged) {
    const updated = changedContentUpdated(item, stored.published, now);
    writes.updateContent({ ...itemContentParams(item, hash), updated });
  } else {
    writes.touch(item.id);
  }
  plan.updated.push(item.id);
  for (const slug of slugs ? [...slugs.before, ...slugs.after] : before) plan.changedCategories.add(slug);
}

/**
 * Record one source's classification of a stored item. The item's categories are the union of
 * every carrying source's latest classification; returns the old and new union when it changed
 * (and plans the new union and the feeds the item left), undefined when the item's categories
 * stay as they are.
 */
export function contribute(
  item: KnownItem,
  itemId: string,
  sourceId: string,
  categories: readonly string[],
  writes: WritePlan,
): { before: readonly string[]; after: readonly string[] } | undefined {
  const previous = item.contributions.get(sourceId);
  if (previous !== undefined && sameList(previous, categories)) return undefined;
  item.contributions.set(sourceId, categories);
  writes.saveContribution(itemId, sourceId, categories);
  const before = item.slugs;
  const after = uniqueSlugs([...item.contributions.values()].flat());
  if (sameList(before, after)) return undefined;
  item.slugs = after;
  writes.replaceSlugs(itemId, after, item.published);
  for (const slug of leftSlugs(before, after)) writes.recordDeparture(slug, item.kind);
  return { before, after };
}

/** A stored contribution (item_sources.categories, parsed), checked and as the plan compares it. */
export function contributionSlugs(itemId: string, value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((slug): slug is string => typeof slug === "string")) {
    throw new StoreError(`store: item ${JSON.stringify(itemId)} has an unreadable item_sources.categories column`);
  }
  return uniqueSlugs(value);
}

/** Both lists are sorted and unique, so element-wise equality is set equality. */
function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((slug, index) => slug === b[index]);
}
