/** Characters RFC 3987 §2.2 never allows in an IRI: whitespace, controls and a few delimiters. */
const NON_IRI_CHARS = /[\s\p{Cc}<>"{}|\\^`]/u;

/** An absolute http(s) URL, or undefined (a reader cannot follow anything else; W3C flags relative links). */
export function httpUrl(value: string | undefined): string | undefined {
  if (value === undefined || NON_IRI_CHARS.test(value) || !URL.canParse(value)) return undefined;
  const { protocol } = new URL(value);
  return protocol === "http:" || protocol === "https:" ? value : undefined;
}

/**
 * Whether a string can stand as an Atom id as-is: an absolute IRI (RFC 4287 §4.2.6) of a scheme
 * that names things permanently: http(s), `urn:` (RFC 8141) or `tag:` (RFC 4151).
 */
export function isAbsoluteIri(value: string): boolean {
  if (httpUrl(value) !== undefined) return true;
  return /^(?:urn:[a-z0-9][a-z0-9-]{0,31}:|tag:[^:]+:)\S+$/i.test(value) && !NON_IRI_CHARS.test(value);
}
