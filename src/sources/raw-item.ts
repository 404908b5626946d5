/**
 * What a source kind hands to {@link normalizeItem}: upstream values as found, after the format's
 * own parsing (XML/JSON entities decoded once) and nothing more. Strings may hold markup, relative
 * URLs and junk; dates may be any common textual form. The normalizer turns this into a CollectedItem.
 */
export interface RawItem {
  readonly guid?: string | undefined;
  readonly url?: string | undefined;
  /** HTML or plain text; markup is removed. */
  readonly title?: string | undefined;
  /** HTML or plain text. */
  readonly summary?: string | undefined;
  readonly contentHtml?: string | undefined;
  readonly authors?:
    ReadonlyArray<{ name?: string | undefined; email?: string | undefined; url?: string | undefined }> | undefined;
  readonly tags?: readonly string[] | undefined;
  readonly published?: string | number | Date | undefined;
  readonly updated?: string | number | Date | undefined;
  readonly imageUrl?: string | undefined;
  readonly language?: string | undefined;
  readonly enclosures?:
    ReadonlyArray<{ url: string; type?: string | undefined; length?: number | string | undefined }> | undefined;
  /**
   * Base for this item's relative URLs when it differs from the source's (an `xml:base` on the
   * entry, RFC 3986 §5.1.1); content-level bases are resolved by the adapter before this point.
   */
  readonly baseUrl?: string | undefined;
}
