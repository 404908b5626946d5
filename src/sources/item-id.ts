import { createHash } from "node:crypto";
import type { EpochMs } from "../model/index.js";

/**
 * Guids that name a story whoever carries them: an http(s) URL, a URN (RFC 8141) or a tag URI
 * (RFC 4151), the schemes built to be globally unique. Anything else ("4711", "post-12", a made-up
 * "post:12") is only unique within the feed it came from (RSS 2.0 §guid, JSON Feed 1.1 §items.id).
 * The store's migration 4 rekeys rows minted before this rule with the same pattern: change
 * neither without the other.
 */
const GLOBAL_ID_PREFIX = /^(https?:\/\/|urn:[a-z0-9][a-z0-9-]{0,31}:|tag:[^:]+:)./i;
/**
 * Characters RFC 3987 §2.2 never allows in an IRI: controls, whitespace (spelled out rather than
 * `\s`, so SQL can say the same) and a few delimiters.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NON_IRI_CHAR = /[\x00-\x20\x7f-\x9f<>"{}|\\^`\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/;

/** Whether an upstream guid can be an item id as it is (ids are global across sources). */
export function isGlobalId(guid: string): boolean {
  return GLOBAL_ID_PREFIX.test(guid) && !NON_IRI_CHAR.test(guid);
}

/**
 * An item's id is minted once and never changes (docs/ARCHITECTURE.md): the upstream guid when it is a global
 * IRI, a bare guid namespaced by its source, else the canonical absolute URL, else a hash of what
 * identifies the story within its source. The hash forms are URNs (RFC 8141) so they are valid
 * Atom `id` IRIs (RFC 4287 §4.2.6) as they are.
 */
export function mintItemId(p: {
  sourceId: string;
  guid?: string;
  url?: string;
  title: string;
  published?: EpochMs;
}): string {
  const guid = p.guid?.trim();
  if (guid) return isGlobalId(guid) ? guid : sha256Urn(["guid", p.sourceId, guid]);
  if (p.url) return p.url;
  const normalizedTitle = p.title.normalize("NFC").toLowerCase().replace(/\s+/g, " ").trim();
  return sha256Urn([p.sourceId, normalizedTitle, p.published === undefined ? "" : String(p.published)]);
}

function sha256Urn(parts: readonly string[]): string {
  return `urn:sha256:${createHash("sha256").update(parts.join("\n"), "utf8").digest("hex")}`;
}
