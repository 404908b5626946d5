import { createHash } from "node:crypto";
import type { StoredItem } from "../model/index.js";
import { isAbsoluteIri } from "./urls.js";

/**
 * Namespace of the name-based UUIDs below (RFC 9562 §5.5). Generated once for this service;
 * changing it would change every derived Atom id and make readers show old entries as new.
 */
const ENTRY_ID_NAMESPACE = "591e2291-9111-4d19-a760-0003de1a5438";

/**
 * The Atom id of an item (RFC 4287 §4.2.6: an absolute IRI, never changing). An id that already
 * is one is kept; any other (a bare upstream guid like `4711`, a hash) becomes a version-5
 * `urn:uuid:` derived from the source and the id, because a bare guid is only unique within the
 * feed it came from.
 */
export function atomEntryId(item: StoredItem): string {
  return isAbsoluteIri(item.id) ? item.id : `urn:uuid:${uuidV5(ENTRY_ID_NAMESPACE, `${item.sourceId}\n${item.id}`)}`;
}

/** Whatever stands as a feed-level Atom id: the channel id when it is an IRI, else derived the same way. */
export function atomFeedId(channelId: string): string {
  return isAbsoluteIri(channelId) ? channelId : `urn:uuid:${uuidV5(ENTRY_ID_NAMESPACE, `feed\n${channelId}`)}`;
}

/** RFC 9562 §5.5: SHA-1 of namespace bytes + name bytes, with version 5 and the RFC variant set. */
function uuidV5(namespace: string, name: string): string {
  const namespaceBytes = Buffer.from(namespace.replace(/-/g, ""), "hex");
  const hash = createHash("sha1").update(namespaceBytes).update(name, "utf8").digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
