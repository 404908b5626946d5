/**
 * The item as every module after `sources/` sees it. Normalized once at the edge
 * (see docs/ARCHITECTURE.md "Normalize once"): ids are stable strings, URLs absolute, titles
 * plain text, HTML sanitized, dates UTC epoch milliseconds, no XML-illegal characters.
 */

/** Milliseconds since the Unix epoch, UTC. */
export type EpochMs = number;

export type ItemKind = "article" | "ticker";
export const ITEM_KINDS: readonly ItemKind[] = ["article", "ticker"];

export interface Author {
  readonly name: string;
  readonly email?: string;
  readonly url?: string;
}

export interface Enclosure {
  readonly url: string;
  readonly type: string;
  readonly length?: number;
}

/** An item as a source produced it, after normalization, before the store has seen it. */
export interface CollectedItem {
  /**
   * Minted once: the upstream guid when it is a global IRI (http(s), urn:, tag:), a bare guid
   * namespaced by source, else the canonical URL, else a hash of source + title + date.
   */
  readonly id: string;
  readonly sourceId: string;
  readonly kind: ItemKind;
  /** Absolute http(s) URL of the story, when it has one. */
  readonly url?: string;
  /** Plain text, entities decoded exactly once, whitespace collapsed. */
  readonly title: string;
  /** Plain text. */
  readonly summary?: string;
  /** Sanitized HTML with absolute URLs. */
  readonly contentHtml?: string;
  readonly authors: readonly Author[];
  /** Upstream categories/tags, as given (trimmed, deduplicated). */
  readonly tags: readonly string[];
  /** Upstream publication date; absent when upstream gave none (the store fills first-seen). */
  readonly published?: EpochMs;
  /** Upstream update date, when given. */
  readonly updated?: EpochMs;
  readonly imageUrl?: string;
  readonly language?: string;
  readonly enclosures: readonly Enclosure[];
  /**
   * Other names of the item's page: the URLs it was fetched from when they differ from its id (an
   * html-articles listing link whose page declares another canonical URL). The store records them
   * with the item so `knownIds` recognises the page on later passes without fetching it again;
   * they are not content and are not read back.
   */
  readonly aliases?: readonly string[];
}

/**
 * What the classifier reads of an item, and nothing else: a stored item's classification needs
 * only these columns, not its content (store.listItemsForReclassification, issue 12).
 */
export type ClassifiableItem = Pick<CollectedItem, "sourceId" | "title" | "summary" | "tags">;

/** A collected item plus the category slugs the classifier gave it. */
export interface ClassifiedItem extends CollectedItem {
  readonly categories: readonly string[];
}

/** An item as the store holds it: dates resolved once and kept (aliases are only looked up, never read back). */
export interface StoredItem extends Omit<ClassifiedItem, "aliases"> {
  /** Upstream date, or the first-seen time for undated items; never changes once stored. */
  readonly published: EpochMs;
  /** Last change: upstream `updated` when given, else when we saw the content change, else `published`. */
  readonly updated: EpochMs;
  /** When this service first stored the item. */
  readonly firstSeen: EpochMs;
  /** When the row last changed in the store (content or categories); drives validators and WebSub. */
  readonly changedAt: EpochMs;
}
