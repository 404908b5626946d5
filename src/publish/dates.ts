import type { Channel, EpochMs, StoredItem } from "../model/index.js";

/** Both date grammars below have four-digit years; anything outside them cannot be written. */
const LAST_WRITABLE_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * The stable `updated` of a feed with nothing in it: the Unix epoch. It is derived from no clock,
 * so an empty feed renders to the same bytes (and validators) on every request and every instance,
 * and any real item later sorts after it. docs/ARCHITECTURE.md: never invent "now".
 */
export const EMPTY_FEED_UPDATED: EpochMs = 0;

/** The date if it can be written as RFC 822 and RFC 3339, else undefined (defensive; items arrive normalized). */
export function writableEpoch(ms: EpochMs | undefined): EpochMs | undefined {
  return ms !== undefined && Number.isFinite(ms) && ms >= 0 && ms <= LAST_WRITABLE_MS ? ms : undefined;
}

/**
 * RFC 822 §5 date-time with the four-digit year of RFC 1123 §5.2.14, in GMT, as the RSS 2.0
 * specification and the W3C Feed Validation Service require: `Tue, 05 Mar 2024 10:00:00 GMT`.
 */
export function rfc822(ms: EpochMs): string {
  return new Date(ms).toUTCString();
}

/** RFC 3339 §5.6 `date-time` in UTC; fractional seconds only when there are some. */
export function rfc3339(ms: EpochMs): string {
  return new Date(ms).toISOString().replace(".000Z", "Z");
}

/** When an item last changed, falling back through the dates the store guarantees. */
export function itemUpdated(item: StoredItem): EpochMs | undefined {
  return writableEpoch(item.updated) ?? writableEpoch(item.published) ?? writableEpoch(item.firstSeen);
}

/** When the feed last changed: the channel's own date, else the newest item change, else undefined (empty feed). */
export function feedUpdated(channel: Channel, items: readonly StoredItem[]): EpochMs | undefined {
  const channelUpdated = writableEpoch(channel.updated);
  if (channelUpdated !== undefined) return channelUpdated;
  const itemDates = items.map(itemUpdated).filter((ms): ms is EpochMs => ms !== undefined);
  return itemDates.length === 0 ? undefined : Math.max(...itemDates);
}
