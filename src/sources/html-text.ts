import { load } from "cheerio";
import { isCDATA, isTag, isText, type AnyNode } from "domhandler";
import { stripXmlIllegal } from "./xml-chars.js";

/**
 * Elements that a browser lays out as blocks (HTML §15.3 "display: block" and kin): their boundaries
 * separate words and lines even when the markup has no whitespace.
 */
export const BLOCK_ELEMENTS: ReadonlySet<string> = new Set([
  "address",
  "article",
  "aside",
  "blockquote",
  "body",
  "caption",
  "dd",
  "details",
  "dialog",
  "div",
  "dl",
  "dt",
  "fieldset",
  "figcaption",
  "figure",
  "footer",
  "form",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "header",
  "hgroup",
  "hr",
  "html",
  "li",
  "main",
  "menu",
  "nav",
  "ol",
  "p",
  "pre",
  "section",
  "summary",
  "table",
  "tbody",
  "td",
  "tfoot",
  "th",
  "thead",
  "tr",
  "ul",
]);

/** Collapse runs of whitespace (including NBSP) to one space and trim. */
export function collapseWhitespace(s: string): string {
  return s.replace(/[\s\u00A0]+/g, " ").trim();
}

/**
 * HTML element names (HTML Living Standard §4, plus the obsolete ones feeds still carry, §16).
 * Only these open a tag: in "Use a<b and c>d" or "x<y" the angle brackets are text.
 */
const HTML_ELEMENTS =
  "a|abbr|acronym|address|area|article|aside|audio|b|base|basefont|bdi|bdo|big|blink|blockquote|body|br|button|" +
  "canvas|caption|center|cite|code|col|colgroup|data|datalist|dd|del|details|dfn|dialog|dir|div|dl|dt|em|embed|" +
  "fieldset|figcaption|figure|font|footer|form|frame|frameset|h[1-6]|head|header|hgroup|hr|html|i|iframe|img|input|" +
  "ins|kbd|label|legend|li|link|main|map|mark|marquee|menu|meta|meter|nav|nobr|noscript|object|ol|optgroup|option|" +
  "output|p|param|picture|pre|progress|q|rp|rt|ruby|s|samp|script|search|section|select|small|source|span|strike|" +
  "strong|style|sub|summary|sup|svg|table|tbody|td|template|textarea|tfoot|th|thead|time|title|tr|track|tt|u|ul|" +
  "var|video|wbr";

/**
 * Real markup, so the string must go through an HTML parser to become text: a start tag of a known
 * element, bare (`<b>`, `<br/>`) or with an attribute that has a value (`<a href="…">`, not the
 * words of "a<b and c>d"); any end tag (`</x>`); a comment; or a character reference (`&amp;`).
 */
const HTML_HINT = new RegExp(
  [
    // `[^<>=]*=` matches up to the first `=` only: two adjacent `[^<>]*` around it could split a
    // run of `=` every way, quadratic in its length (8,000 of them took 47 ms, a megabyte minutes).
    `<(?:${HTML_ELEMENTS})(?:\\s*|\\s[^<>=]*=[^<>]*)/?>`,
    "</[a-zA-Z][a-zA-Z0-9:-]*\\s*>",
    "<!--",
    "&(?:[a-zA-Z][a-zA-Z0-9]{1,31}|#\\d{1,7}|#[xX][0-9a-fA-F]{1,6});",
  ].join("|"),
  "i",
);

export function looksLikeHtml(s: string): boolean {
  return HTML_HINT.test(s);
}

/** Marks where a block element's children end, so the walk adds the space a browser's line break makes. */
const BLOCK_END = Symbol("block end");

/** Elements whose content is never reader-visible text. */
const NON_TEXT_ELEMENTS: ReadonlySet<string> = new Set(["script", "style", "noscript", "template"]);

/**
 * Plain text of an HTML fragment: tags dropped, character references decoded (once), block
 * boundaries kept as spaces, script/style bodies removed, whitespace collapsed. A reference to a
 * character XML cannot carry (`&#1;`) decodes to nothing. One iterative walk over the parsed tree:
 * inserting a space node into every block element (as cheerio's prepend/append would) cost about
 * 200 µs per element, 4 s for one 20,000-element entry on the thread that serves requests.
 */
export function htmlToText(html: string): string {
  if (!looksLikeHtml(html)) return collapseWhitespace(html);
  const $ = load(html, null, false);
  const parts: string[] = [];
  const pending: Array<AnyNode | typeof BLOCK_END> = [...$.root().contents().toArray()].reverse();
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    if (node === BLOCK_END) {
      parts.push(" ");
    } else if (isText(node)) {
      parts.push(node.data);
    } else if (isCDATA(node)) {
      // Only inside svg/math; its text is text.
      for (let i = node.children.length - 1; i >= 0; i--) {
        const child = node.children[i];
        if (child !== undefined) pending.push(child);
      }
    } else if (isTag(node) && !NON_TEXT_ELEMENTS.has(node.name)) {
      if (node.name === "br") {
        parts.push(" ");
        continue;
      }
      const block = BLOCK_ELEMENTS.has(node.name);
      if (block) {
        parts.push(" ");
        pending.push(BLOCK_END);
      }
      for (let i = node.children.length - 1; i >= 0; i--) {
        const child = node.children[i];
        if (child !== undefined) pending.push(child);
      }
    }
  }
  return collapseWhitespace(stripXmlIllegal(parts.join("")));
}

/** Cut `text` to at most `max` characters at a word boundary, marking the cut with an ellipsis. */
export function truncateAtWord(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const lastSpace = cut.lastIndexOf(" ");
  // A single enormous "word" (a URL, CJK text without spaces) is cut hard rather than emptied.
  const head = lastSpace > max * 0.6 ? cut.slice(0, lastSpace) : cut;
  return `${head.replace(/[\s,;:.\-–—]+$/, "")}…`;
}
