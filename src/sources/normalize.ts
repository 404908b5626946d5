import type { Author, CollectedItem, Enclosure, EpochMs, ItemKind } from "../model/index.js";
import { parseDate } from "./dates.js";
import { emailAddress } from "./email-address.js";
import { collapseWhitespace, htmlToText, looksLikeHtml, truncateAtWord } from "./html-text.js";
import { mintItemId } from "./item-id.js";
import { languageTag } from "./language-tag.js";
import { assertWithinMarkupLimits, FRAGMENT_LIMITS } from "./markup-limits.js";
import type { RawItem } from "./raw-item.js";
import { sanitizeHtml } from "./sanitize.js";
import { repairText } from "./text-repair.js";
import { resolveUrl } from "./urls.js";
import { stripXmlIllegal } from "./xml-chars.js";

export type { RawItem } from "./raw-item.js";
export { parseDate } from "./dates.js";
export { htmlToText } from "./html-text.js";
export { mintItemId } from "./item-id.js";
export { MarkupLimitError } from "./markup-limits.js";
export { sanitizeHtml } from "./sanitize.js";
export { resolveUrl } from "./urls.js";
export { stripXmlIllegal } from "./xml-chars.js";

/**
 * The one normalizer every source kind calls (docs/ARCHITECTURE.md "Normalize once, at the edge"): after this,
 * an item has a stable id, absolute URLs, sanitized HTML, plain-text title and summary, UTC dates
 * and no XML-illegal characters, and nothing downstream reshapes it.
 */

export interface NormalizeContext {
  readonly sourceId: string;
  readonly kind: ItemKind;
  /** Absolute http(s) URL that relative references resolve against (the document's URL or its base). */
  readonly baseUrl: string;
  /**
   * "Now" for rejecting far-future dates (pass `ctx.clock()`); when absent, future dates are not
   * checked, because this module never reads the wall clock itself.
   */
  readonly now?: EpochMs;
}

/** Summaries are teasers; the full text lives in contentHtml. */
export const SUMMARY_MAX_CHARS = 500;
/** A title derived from the body (micro-blog posts have none) stays headline-sized. */
const DERIVED_TITLE_MAX_CHARS = 100;
const DEFAULT_ENCLOSURE_TYPE = "application/octet-stream";

/**
 * Plain text from a value that may be HTML or text; entities decoded exactly once. Markup beyond
 * the fragment limits throws a MarkupLimitError before any parser sees it (markup-limits.ts).
 */
function plainText(value: string | undefined, field = "a text field"): string | undefined {
  if (value === undefined) return undefined;
  const clean = repairText(stripXmlIllegal(value));
  let text: string;
  if (looksLikeHtml(clean)) {
    assertWithinMarkupLimits(clean, FRAGMENT_LIMITS, field);
    text = htmlToText(clean);
  } else {
    text = collapseWhitespace(clean);
  }
  return text === "" ? undefined : text;
}

function cleanHtml(value: string | undefined, baseUrl: string, field: string): string | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  assertWithinMarkupLimits(value, FRAGMENT_LIMITS, field);
  const html = sanitizeHtml(repairText(value), baseUrl);
  return html === "" ? undefined : html;
}

/** The HTML body: explicit content, else a summary that is itself markup (RSS `description`). */
function contentHtmlOf(raw: RawItem, baseUrl: string): string | undefined {
  const content = cleanHtml(raw.contentHtml, baseUrl, "its content");
  if (content !== undefined) return content;
  return raw.summary !== undefined && looksLikeHtml(raw.summary)
    ? cleanHtml(raw.summary, baseUrl, "its summary")
    : undefined;
}

function summaryOf(raw: RawItem, contentHtml: string | undefined): string | undefined {
  const text =
    plainText(raw.summary, "its summary") ??
    (contentHtml === undefined ? undefined : plainText(contentHtml, "its content"));
  return text === undefined ? undefined : truncateAtWord(text, SUMMARY_MAX_CHARS);
}

/** Authors with a name; an email that is not a valid address is dropped, its text kept as the name when there is no other. */
function authorsOf(raw: RawItem, baseUrl: string): Author[] {
  const out: Author[] = [];
  const seen = new Set<string>();
  for (const a of raw.authors ?? []) {
    const name = plainText(a.name);
    const emailText = plainText(a.email);
    const email = emailAddress(emailText);
    const url = resolveUrl(a.url, baseUrl);
    const shownName = name ?? email ?? emailText;
    if (shownName === undefined) continue;
    const key = `${shownName}\n${email ?? ""}`.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ name: shownName, ...(email !== undefined && { email }), ...(url !== undefined && { url }) });
  }
  return out;
}

function tagsOf(raw: RawItem): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const t of raw.tags ?? []) {
    const tag = plainText(t);
    if (tag === undefined || seen.has(tag.toLowerCase())) continue;
    seen.add(tag.toLowerCase());
    out.push(tag);
  }
  return out;
}

/** Media types for the file extensions enclosures use, for publishers that omit `type` (RSS 2.0 requires it). */
const TYPE_BY_EXTENSION: Readonly<Record<string, string>> = {
  mp3: "audio/mpeg",
  m4a: "audio/mp4",
  aac: "audio/aac",
  ogg: "audio/ogg",
  oga: "audio/ogg",
  opus: "audio/opus",
  wav: "audio/wav",
  mp4: "video/mp4",
  m4v: "video/mp4",
  mov: "video/quicktime",
  webm: "video/webm",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  gif: "image/gif",
  webp: "image/webp",
  pdf: "application/pdf",
};

function typeFromExtension(url: string): string | undefined {
  const ext = /\.([a-z0-9]{2,4})$/i.exec(new URL(url).pathname)?.[1];
  return ext === undefined ? undefined : TYPE_BY_EXTENSION[ext.toLowerCase()];
}

function lengthOf(value: number | string | undefined): number | undefined {
  const n = typeof value === "string" ? Number(value.trim()) : value;
  return n !== undefined && Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

function enclosuresOf(raw: RawItem, baseUrl: string): Enclosure[] {
  const out: Enclosure[] = [];
  const seen = new Set<string>();
  for (const e of raw.enclosures ?? []) {
    const url = resolveUrl(e.url, baseUrl);
    if (url === undefined || seen.has(url)) continue;
    seen.add(url);
    const type = plainText(e.type)?.toLowerCase() ?? typeFromExtension(url) ?? DEFAULT_ENCLOSURE_TYPE;
    const length = lengthOf(e.length);
    out.push({ url, type, ...(length !== undefined && { length }) });
  }
  return out;
}

/** A headline for items that have none: the start of the body, else the link. */
function titleOf(raw: RawItem, summary: string | undefined, url: string | undefined): string | undefined {
  return (
    plainText(raw.title, "its title") ??
    (summary === undefined ? undefined : truncateAtWord(summary, DERIVED_TITLE_MAX_CHARS)) ??
    url
  );
}

function optionalGuid(value: string | undefined): string | undefined {
  const guid = value === undefined ? undefined : stripXmlIllegal(value).trim();
  return guid === "" ? undefined : guid;
}

/**
 * The normalized item, or undefined when upstream gave nothing usable (no title, no content, no
 * link). Throws a MarkupLimitError when a field holds markup too deep or too large to parse: the
 * caller drops that one item with a warning and keeps its siblings.
 */
export function normalizeItem(raw: RawItem, ctx: NormalizeContext): CollectedItem | undefined {
  const baseUrl = resolveUrl(raw.baseUrl, ctx.baseUrl) ?? ctx.baseUrl;
  const url = resolveUrl(raw.url, baseUrl);
  const contentHtml = contentHtmlOf(raw, baseUrl);
  const summary = summaryOf(raw, contentHtml);
  const title = titleOf(raw, summary, url);
  if (title === undefined) return undefined;
  const updated = parseDate(raw.updated, ctx.now);
  // An entry with only an update date (Atom requires `updated`, `published` is optional, RFC 4287
  // §4.1.2) was at the latest published then; that beats a first-seen time on a first import.
  const published = parseDate(raw.published, ctx.now) ?? updated;
  const enclosures = enclosuresOf(raw, baseUrl);
  const imageUrl = resolveUrl(raw.imageUrl, baseUrl) ?? enclosures.find((e) => e.type.startsWith("image/"))?.url;
  const language = languageTag(raw.language);
  const guid = optionalGuid(raw.guid);
  return {
    id: mintItemId({
      sourceId: ctx.sourceId,
      title,
      ...(guid !== undefined && { guid }),
      ...(url !== undefined && { url }),
      ...(published !== undefined && { published }),
    }),
    sourceId: ctx.sourceId,
    kind: ctx.kind,
    title,
    authors: authorsOf(raw, baseUrl),
    tags: tagsOf(raw),
    enclosures,
    ...(url !== undefined && { url }),
    ...(summary !== undefined && { summary }),
    ...(contentHtml !== undefined && { contentHtml }),
    ...(published !== undefined && { published }),
    ...(updated !== undefined && { updated }),
    ...(imageUrl !== undefined && { imageUrl }),
    ...(language !== undefined && { language }),
  };
}

/** One item per id, the first occurrence winning (feeds list newest first, and repeat ids are stale copies). */
export function dedupeById(items: readonly CollectedItem[]): CollectedItem[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    if (seen.has(item.id)) return false;
    seen.add(item.id);
    return true;
  });
}
