import { TextDecoder } from "node:util";
import { repairC1Controls } from "./text-repair.js";

/**
 * Bytes → text for feeds and pages, the way XML 1.0 Appendix F and the HTML encoding-sniffing
 * algorithm (WHATWG HTML §13.2.3) expect, plus the repairs real feeds need: a declaration that
 * the bytes contradict, no declaration at all, or a name nobody knows.
 */

export interface DecodeHints {
  readonly contentType?: string;
  readonly format: "xml" | "html" | "json";
}

export interface DecodedText {
  readonly text: string;
  /** WHATWG name of the encoding used, e.g. "utf-8", "windows-1252", "utf-16be". */
  readonly encoding: string;
}

const UTF8 = "utf-8";
const FALLBACK = "windows-1252";
/** Only the document's start is searched for declarations, as parsers do. */
const PRESCAN_BYTES = 4096;

/** A WHATWG decoder for `label`, or undefined when the label names no encoding Node knows. */
function decoderFor(label: string): TextDecoder | undefined {
  try {
    return new TextDecoder(label.trim());
  } catch {
    return undefined;
  }
}

function fromBom(body: Buffer): string | undefined {
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return "utf-8";
  if (body[0] === 0xff && body[1] === 0xfe) return "utf-16le";
  if (body[0] === 0xfe && body[1] === 0xff) return "utf-16be";
  return undefined;
}

/** XML 1.0 Appendix F: `<` encoded as UTF-16 without a BOM shows as 00 3C (BE) or 3C 00 (LE). */
function fromUtf16Pattern(body: Buffer): string | undefined {
  if (body.length < 4) return undefined;
  if (body[0] === 0x00 && body[1] !== 0x00 && body[2] === 0x00 && body[3] !== 0x00) return "utf-16be";
  if (body[0] !== 0x00 && body[1] === 0x00 && body[2] !== 0x00 && body[3] === 0x00) return "utf-16le";
  return undefined;
}

/** The XML declaration's encoding, allowing leading whitespace and comments (very common in the wild). */
const XML_DECL_ENCODING = /^(?:\s|<!--[\s\S]*?-->)*<\?xml\s[^>]*?encoding\s*=\s*["']\s*([^"'\s]+)\s*["']/;

function fromXmlDeclaration(head: string): string | undefined {
  return XML_DECL_ENCODING.exec(head)?.[1];
}

/** `<meta charset=…>` or `<meta http-equiv="Content-Type" content="…; charset=…">` (HTML §4.2.5.5). */
function fromMetaCharset(head: string): string | undefined {
  for (const tag of head.match(/<meta\b[^>]*>/gi) ?? []) {
    const direct = /\bcharset\s*=\s*["']?\s*([^"'\s/>;]+)/i.exec(tag);
    if (direct) return direct[1];
  }
  return undefined;
}

/** The `charset` parameter of a media type (RFC 9110 §8.3.1). */
export function charsetOf(contentType: string | undefined): string | undefined {
  return contentType === undefined ? undefined : /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType)?.[1];
}

/**
 * UTF-8 with a few stray bytes (a truncated paste, one bad byte; corpus rss2-linenoise-badbytes.xml)
 * still reads best as UTF-8; a legacy page mislabelled UTF-8 has no valid multi-byte sequences at all.
 * Decide by counting: more valid multi-byte sequences (RFC 3629 §4) than stray non-ASCII bytes.
 */
function isMostlyUtf8(body: Buffer): boolean {
  let valid = 0;
  let stray = 0;
  for (let i = 0; i < body.length; i++) {
    const b = body[i] ?? 0;
    if (b < 0x80) continue;
    const need = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : 0;
    let ok = need > 0;
    for (let k = 1; ok && k <= need; k++) ok = ((body[i + k] ?? 0) & 0xc0) === 0x80;
    if (ok) {
      valid++;
      i += need;
    } else {
      stray++;
    }
  }
  return valid > stray;
}

function isValidUtf8(body: Buffer): boolean {
  try {
    new TextDecoder(UTF8, { fatal: true }).decode(body);
    return true;
  } catch {
    return false;
  }
}

/** Single-byte legacy encodings: any of their texts with bytes ≥ 0x80 is almost never valid UTF-8 by accident. */
const SINGLE_BYTE = /^(?:windows-12\d\d|iso-8859-\d+|koi8-[ru]|ibm866|macintosh|x-mac-cyrillic|windows-874)$/;

function hasNonAscii(body: Buffer): boolean {
  return body.some((b) => b >= 0x80);
}

/**
 * A declared legacy encoding that the bytes contradict: they are valid multi-byte UTF-8, which
 * means the publisher's template declared the wrong name (feeds often say ISO-8859-1 and write
 * UTF-8). Decoding as declared would turn every accented letter into mojibake.
 */
function contradictedByUtf8(encoding: string, body: Buffer): boolean {
  return SINGLE_BYTE.test(encoding) && hasNonAscii(body) && isValidUtf8(body);
}

function declaredEncoding(body: Buffer, hints: DecodeHints): string | undefined {
  const head = body.subarray(0, PRESCAN_BYTES).toString("latin1");
  if (hints.format === "xml") return fromXmlDeclaration(head);
  if (hints.format === "html") return fromMetaCharset(head);
  return undefined;
}

/**
 * Decide the encoding: BOM, UTF-16 pattern, document declaration, Content-Type, UTF-8 if valid,
 * else windows-1252. A declaration the bytes contradict loses: legacy declared over UTF-8 bytes,
 * or UTF-8 declared over bytes with no UTF-8 in them.
 */
function chooseEncoding(body: Buffer, hints: DecodeHints): string {
  const certain = fromBom(body) ?? fromUtf16Pattern(body);
  if (certain !== undefined) return certain;
  for (const label of [declaredEncoding(body, hints), charsetOf(hints.contentType)]) {
    if (label === undefined) continue;
    const decoder = decoderFor(label);
    // UTF-16 declared for bytes that are not UTF-16-shaped (we checked above) is a lie; keep looking.
    if (decoder === undefined || decoder.encoding.startsWith("utf-16")) continue;
    if (contradictedByUtf8(decoder.encoding, body)) return UTF8;
    if (decoder.encoding === UTF8 && !isValidUtf8(body) && !isMostlyUtf8(body)) return FALLBACK;
    return decoder.encoding;
  }
  return isValidUtf8(body) || isMostlyUtf8(body) ? UTF8 : FALLBACK;
}

/** Remove the encoding pseudo-attribute: the text is already decoded, and a parser must not decode it again. */
function dropXmlEncodingDeclaration(text: string): string {
  return text.replace(/^((?:\s|<!--[\s\S]*?-->)*<\?xml\s[^>]*?)\s+encoding\s*=\s*["'][^"']*["']/, "$1");
}

export function decodeText(body: Buffer, hints: DecodeHints): DecodedText {
  const encoding = chooseEncoding(body, hints);
  // Non-fatal: an invalid byte becomes U+FFFD instead of losing the whole document.
  const decoder = decoderFor(encoding) ?? new TextDecoder(UTF8);
  let text = decoder.decode(body);
  // Node 20's TextDecoder takes a Latin-1 fast path for windows-1252, leaving bytes 0x80–0x9F as C1
  // controls instead of "€", "’", "—"… (WHATWG Encoding's index-windows-1252); map them ourselves.
  if (decoder.encoding === "windows-1252") text = repairC1Controls(text);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (hints.format === "xml") text = dropXmlEncodingDeclaration(text);
  return { text, encoding: decoder.encoding };
}
