/**
 * Characters XML 1.0 cannot carry (XML 1.0 §2.2 `Char`): C0 controls other than tab, LF and CR,
 * U+FFFE/U+FFFF, and lone surrogate halves (which are not characters at all). Every string that
 * leaves `sources/` passes through here, so renderers never emit a document readers reject.
 */
// Lone surrogates are matched as a high half not followed by a low one, or a low half not preceded by a high one.
const XML_ILLEGAL =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function stripXmlIllegal(s: string): string {
  return s.replace(XML_ILLEGAL, "");
}
