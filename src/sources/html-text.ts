import { load } from "cheerio";
import { stripXmlIllegal } from "./xml-chars.js";

/** Elements whose boundaries separate words even when the markup has no whitespace. */
const BLOCK_SELECTOR = [
  "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figcaption", "figure", "footer",
  "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section",
  "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
].join(",");

/** Collapse runs of whitespace (including NBSP) to one space and trim. */
export function collapseWhitespace(s: string): string {
  return s.replace(/[\s\u00A0]+/g, " ").trim();
}

/** Markup or a character reference: the string must go through an HTML parser to become text. */
const HTML_HINT = /<[a-zA-Z!/][^>]*>|&(?:[a-zA-Z][a-zA-Z0-9]{1,31}|#\d{1,7}|#[xX][0-9a-fA-F]{1,6});/;

export function looksLikeHtml(s: string): boolean {
  return HTML_HINT.test(s);
}

/**
 * Plain text of an HTML fragment: tags dropped, character references decoded (once), block
 * boundaries kept as spaces, script/style bodies removed, whitespace collapsed. A reference to a
 * character XML cannot carry (`&#1;`) decodes to nothing.
 */
export function htmlToText(html: string): string {
  if (!looksLikeHtml(html)) return collapseWhitespace(html);
  const $ = load(html, null, false);
  $("script, style, noscript, template").remove();
  $("br").replaceWith(" ");
  $(BLOCK_SELECTOR).each((_, el) => {
    $(el).prepend(" ").append(" ");
  });
  return collapseWhitespace(stripXmlIllegal($.root().text()));
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
