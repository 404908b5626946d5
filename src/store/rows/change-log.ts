/**
 * The change log both stores write (migration 10, `store_changes`): one row per revision, in the
 * same transaction as the write that bumped it, naming the categories it touched and the store
 * instance that wrote it. A watcher reads the rows after the revision it last saw, so it learns
 * what another process changed (not merely that something did) and can tell its own writes from
 * others'. These are the dialect-free rules; each store holds only the statements.
 */
import { randomBytes } from "node:crypto";
import { uniqueSlugs } from "./run-rules.js";
import type { StoreChange } from "../store.js";
import { StoreError } from "../store-error.js";

/**
 * How many newest revisions the log keeps. Each write trims what falls behind, by primary key, so
 * the table holds at most this many rows and trimming never needs a clock (instances' clocks may
 * differ). A watcher checks every few hundred ms, and a write is one source's run: falling this far
 * behind means it was stopped or stalled for a long while, and then it hears "every category".
 */
export const CHANGE_LOG_LENGTH = 1_000;

/**
 * A write touching more categories than this is logged as "every category": it keeps rows (and
 * PostgreSQL's NOTIFY payload, under 8000 bytes) small, and a watcher invalidates everything for
 * it anyway.
 */
export const MAX_LOGGED_CATEGORIES = 100;

/** What one write logs: the revision it made, what it touched, who wrote it and when. */
export interface ChangeEntry {
  readonly revision: number;
  readonly categories: readonly string[];
  readonly everyCategory: boolean;
  readonly writer: string;
  readonly at: number;
}

/** A store_changes row as both stores read it (bigints arrive as numbers, see postgres/type-parsers.ts). */
export interface ChangeRow {
  readonly revision: number;
  readonly categories: string;
  readonly every_category: number | boolean;
  readonly writer: string;
}

/**
 * Names one store instance among all that share a database: the process id tells a reader which
 * process wrote (`npm run collect` beside `npm start`), the random part keeps two instances in
 * one process (tests, tools) and a recycled pid apart.
 */
export function newWriterId(): string {
  return `${process.pid}-${randomBytes(6).toString("hex")}`;
}

/** The entry a write that made `revision` logs; a long category list becomes "every category". */
export function changeEntry(revision: number, categories: Iterable<string>, writer: string, at: number): ChangeEntry {
  const slugs = uniqueSlugs([...categories]);
  return slugs.length > MAX_LOGGED_CATEGORIES
    ? { revision, categories: [], everyCategory: true, writer, at }
    : { revision, categories: slugs, everyCategory: false, writer, at };
}

/** The change an entry tells, as reported to a watcher of the instance that wrote it (or not: `ours`). */
export function entryChange(
  entry: Pick<ChangeEntry, "revision" | "categories" | "everyCategory">,
  ours: boolean,
): StoreChange {
  return entry.everyCategory
    ? { revision: entry.revision, categories: [], everyCategory: true, ours }
    : { revision: entry.revision, categories: entry.categories, ours };
}

/** Revisions at or below this fall out of the log when `revision` is written. */
export function trimmedThrough(revision: number): number {
  return revision - CHANGE_LOG_LENGTH;
}

/** The change a log row tells, as a watcher owned by `self` reports it. */
export function changeFromRow(row: ChangeRow, self: string): StoreChange {
  const categories: unknown = JSON.parse(row.categories);
  if (!Array.isArray(categories) || !categories.every((slug): slug is string => typeof slug === "string")) {
    throw new StoreError(`store: change log row ${row.revision} holds no category list`);
  }
  const everyCategory = row.every_category === 1 || row.every_category === true;
  return entryChange({ revision: row.revision, categories, everyCategory }, row.writer === self);
}

/**
 * What a watcher that last saw revision `seen` reports, given the store's revision now and the log
 * rows after `seen` (ordered by revision, read in one snapshot with it). When the rows do not
 * account for every revision in between (trimmed while the watcher was away, or bumped by a
 * migration, which logs nothing), one "every category" change stands for them all: a foreign one,
 * since nobody can say whose they were.
 */
export function changesSince(seen: number, revision: number, rows: readonly ChangeRow[], self: string): StoreChange[] {
  if (revision <= seen) return [];
  const complete = rows.length === revision - seen && rows.every((row, index) => row.revision === seen + 1 + index);
  if (!complete) return [{ revision, categories: [], everyCategory: true, ours: false }];
  return rows.map((row) => changeFromRow(row, self));
}
