import type { FeedCursor } from "../model/index.js";

/**
 * The `before` parameter of a `next` link: `<published ms>_<id as base64url>`. Opaque to
 * readers; readable enough for ops reading logs. base64url keeps any id (URLs, URNs) safe in
 * a query string without percent-encoding (RFC 4648 §5).
 */
export function encodeCursor(cursor: FeedCursor): string {
  return `${cursor.published}_${Buffer.from(cursor.id, "utf8").toString("base64url")}`;
}

const CURSOR = /^(-?\d{1,16})_([A-Za-z0-9_-]{1,2800})$/;

/** The cursor a `before` value names, or undefined if it is not one we wrote. */
export function decodeCursor(text: string): FeedCursor | undefined {
  const match = CURSOR.exec(text);
  if (!match) return undefined;
  const published = Number(match[1]);
  const id = Buffer.from(match[2] ?? "", "base64url").toString("utf8");
  if (!Number.isSafeInteger(published) || id.length === 0 || encodeCursor({ published, id }) !== text) return undefined;
  return { published, id };
}
