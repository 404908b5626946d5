import { entryChange, type ChangeEntry } from "../rows/change-log.js";
import type { StoreChange } from "../store.js";

/** The LISTEN/NOTIFY channel every committed change to items is announced on. */
export const CHANGES_CHANNEL = "feed_changes";

/**
 * A NOTIFY payload must be shorter than 8000 bytes (PostgreSQL docs, NOTIFY); keep clear of
 * it. A list of changed categories too long for that is announced as "every category".
 */
const MAX_PAYLOAD_BYTES = 7_900;

/** The JSON payload announcing one committed change: the change log's entry for it, less the time. */
export function encodeChange(entry: ChangeEntry): string {
  const { revision, categories, writer } = entry;
  const payload = JSON.stringify(
    entry.everyCategory ? { revision, categories, everyCategory: true, writer } : { revision, categories, writer },
  );
  if (Buffer.byteLength(payload) <= MAX_PAYLOAD_BYTES) return payload;
  return JSON.stringify({ revision, categories: [], everyCategory: true, writer });
}

/**
 * Read a payload back, as the watcher of the store instance `self` reports it (`ours` when that
 * instance wrote it); anything else sent on the channel (by hand, by another tool) is ignored.
 */
export function decodeChange(payload: string | undefined, self: string): StoreChange | undefined {
  if (payload === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const { revision, categories, everyCategory, writer } = value as Record<string, unknown>;
  if (typeof revision !== "number" || !Number.isSafeInteger(revision) || typeof writer !== "string") return undefined;
  if (!Array.isArray(categories) || !categories.every((slug): slug is string => typeof slug === "string")) {
    return undefined;
  }
  return entryChange({ revision, categories, everyCategory: everyCategory === true }, writer === self);
}
