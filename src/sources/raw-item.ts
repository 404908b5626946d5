/**
 * What a source kind hands to {@link normalizeItem}: upstream values as found, after the format's
 * own parsing (XML/JSON entities decoded once) and nothing more. Strings may hold markup, relative
 * URLs and junk; dates may be any common textual form. The normalizer turns this into a CollectedItem.
 */
export interface RawItem {
  readonly guid?: string;
  readonly url?: string;
  /** HTML or plain text; markup is removed. */
  readonly title?: string;
  /** HTML or plain text. */
  readonly summary?: string;
  readonly contentHtml?: string;
  readonly authors?: ReadonlyArray<{ name?: string; email?: string; url?: string }>;
  readonly tags?: readonly string[];
  readonly published?: string | number | Date;
  readonly updated?: string | number | Date;
  readonly imageUrl?: string;
  readonly language?: string;
  readonly enclosures?: ReadonlyArray<{ url: string; type?: string; length?: number | string }>;
  /**
   * Base for this item's relative URLs when it differs from the source's (an `xml:base` on the
   * entry, RFC 3986 §5.1.1); content-level bases are resolved by the adapter before this point.
   */
  readonly baseUrl?: string;
}
