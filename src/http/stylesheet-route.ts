import { createHash } from "node:crypto";
import type { Request, Response } from "express";
import { FEED_STYLESHEET, FEED_STYLESHEET_CONTENT_TYPE } from "../publish/feed-stylesheet.js";
import { isNotModified } from "./conditional-get.js";

/** Content-derived, so every instance and every restart of one build answers the same tag. */
const ETAG = `"${createHash("sha256").update(FEED_STYLESHEET).digest("base64url").slice(0, 22)}"`;

/**
 * Serves the feeds' XSLT from this origin (browsers refuse a cross-origin one). It only changes
 * with a release, so a day of caching, then a cheap revalidation by ETag (RFC 9111 §4.3).
 */
export function serveFeedStylesheet(req: Request, res: Response): void {
  res.set({ "Content-Type": FEED_STYLESHEET_CONTENT_TYPE, "Cache-Control": "public, max-age=86400", ETag: ETAG });
  if (isNotModified(req.headers, ETAG, undefined)) {
    res.status(304).end();
    return;
  }
  res.send(FEED_STYLESHEET);
}
