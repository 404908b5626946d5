import type { IncomingHttpHeaders } from "node:http";
import type { EpochMs } from "../model/index.js";

/**
 * Whether a GET/HEAD may be answered 304 (RFC 9110 §13.2.2 order of evaluation):
 * If-None-Match, when present, decides alone (weak comparison, §8.8.3.2; `*` matches any
 * current representation); only without it does If-Modified-Since count (§13.1.3), compared
 * at one-second resolution since HTTP dates carry no more.
 */
export function isNotModified(headers: IncomingHttpHeaders, etags: readonly string[], lastModified: EpochMs | undefined): boolean {
  const ifNoneMatch = headers["if-none-match"];
  if (ifNoneMatch !== undefined) return matchesAny(ifNoneMatch, etags);
  const ifModifiedSince = headers["if-modified-since"];
  if (ifModifiedSince === undefined || lastModified === undefined) return false;
  const since = Date.parse(ifModifiedSince);
  return Number.isFinite(since) && Math.floor(lastModified / 1000) * 1000 <= since;
}

function matchesAny(header: string, etags: readonly string[]): boolean {
  // The common case, a poller echoing the one tag it was given, needs no parsing.
  if (etags.includes(header)) return true;
  if (header.trim() === "*") return true;
  for (const candidate of header.split(",")) {
    const opaque = stripWeak(candidate.trim());
    if (opaque && etags.some((etag) => stripWeak(etag) === opaque)) return true;
  }
  return false;
}

function stripWeak(tag: string): string {
  return tag.startsWith("W/") ? tag.slice(2) : tag;
}
