import { createHash } from "node:crypto";
import type { EpochMs } from "../model/index.js";

/**
 * An item's id is minted once and never changes (DESIGN.md): the upstream guid, else the canonical
 * absolute URL, else a hash of what identifies the story within its source. The hash form is a URN
 * (RFC 8141) so it is a valid Atom `id` IRI (RFC 4287 §4.2.6) as is.
 */
export function mintItemId(p: {
  sourceId: string;
  guid?: string;
  url?: string;
  title: string;
  published?: EpochMs;
}): string {
  const guid = p.guid?.trim();
  if (guid) return guid;
  if (p.url) return p.url;
  const normalizedTitle = p.title.normalize("NFC").toLowerCase().replace(/\s+/g, " ").trim();
  const material = [p.sourceId, normalizedTitle, p.published === undefined ? "" : String(p.published)].join("\n");
  return `urn:sha256:${createHash("sha256").update(material, "utf8").digest("hex")}`;
}
