import type { IncomingHttpHeaders } from "node:http";
import type { EpochMs } from "../model/index.js";

/**
 * Whether a GET/HEAD of the representation tagged `etag` may be answered 304 (RFC 9110 §13.2.2
 * order of evaluation):
 * If-None-Match, when present, decides alone (weak comparison, §8.8.3.2; `*` matches any
 * current representation); only without it does If-Modified-Since count (§13.1.3), compared
 * at one-second resolution since HTTP dates carry no more.
 */
export function isNotModified(
  headers: Pick<IncomingHttpHeaders, "if-none-match" | "if-modified-since">,
  etag: string,
  lastModified: EpochMs | undefined,
): boolean {
  const ifNoneMatch = headers["if-none-match"];
  if (ifNoneMatch !== undefined) return matches(ifNoneMatch, etag);
  const ifModifiedSince = headers["if-modified-since"];
  if (ifModifiedSince === undefined || lastModified === undefined) return false;
  const since = Date.parse(ifModifiedSince);
  return Number.isFinite(since) && Math.floor(lastModified / 1000) * 1000 <= since;
}

function matches(header: string, etag: string): boolean {
  // The common case, a poller echoing the one tag it was given, needs no parsing.
  if (header === etag) return true;
  if (header.trim() === "*") return true;
  const opaque = stripWeak(etag);
  return header.split(",").some((candidate) => stripWeak(candidate.trim()) === opaque);
}

function stripWeak(tag: string): string {
  return tag.startsWith("W/") ? tag.slice(2) : tag;
}
