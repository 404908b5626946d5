import { FeedError } from "./feed-error.js";

/**
 * Text-level repairs and checks that must happen before an XML parser sees a feed: what precedes
 * the root element decides whether this is a feed at all.
 */

/**
 * XML 1.0 §2.8 puts the declaration at the very start, yet a newline, a BOM or a comment before it
 * is very common (templates, proxies, test harnesses); strict parsers reject the document for it.
 */
export function stripLeadingJunk(text: string): string {
  return text.replace(/^(?:\s|\uFEFF|<!--[\s\S]*?-->)+(?=<\?xml[\s?])/, "");
}

const PROLOG_TOKEN = /\s+|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE(?:[^>[]|\[[\s\S]*?\])*>|<([A-Za-z_][\w:.-]*)/iy;

/** Name of the document's root element, skipping the prolog; undefined when the text is not markup. */
export function rootElementName(text: string): string | undefined {
  PROLOG_TOKEN.lastIndex = 0;
  for (;;) {
    const match = PROLOG_TOKEN.exec(text);
    if (match === null) return undefined;
    if (match[1] !== undefined) return match[1];
  }
}

/** The root element's start tag, where feed-wide `xml:base` and `xml:lang` live. */
export function rootAttribute(text: string, root: string, attribute: string): string | undefined {
  const start = new RegExp(`<${root.replace(/[.:]/g, "\\$&")}\\b([^>]*)>`).exec(text);
  const attr = start?.[1]?.match(new RegExp(`\\b${attribute.replace(/[.:]/g, "\\$&")}\\s*=\\s*(["'])(.*?)\\1`));
  return attr?.[2];
}

const HTML_ROOTS = new Set(["html", "head", "body"]);
const FEED_ROOTS = new Set(["rss", "rdf:RDF", "feed"]);

/**
 * Make sure the document is a feed we can hand to the XML parser: unwrap an Atom feed embedded in
 * an XHTML page, and reject HTML pages (an error page or a redirect notice served at the feed URL).
 */
export function locateFeedRoot(text: string): { text: string; root: string } {
  const root = rootElementName(text);
  if (root !== undefined && FEED_ROOTS.has(root)) return { text, root };
  if (root !== undefined && HTML_ROOTS.has(root.toLowerCase())) {
    const embedded = /<feed[\s>][\s\S]*<\/feed\s*>/.exec(text);
    if (embedded) return { text: embedded[0], root: "feed" };
    throw new FeedError("feed: not a feed (got an HTML page)");
  }
  if (root === undefined) throw new FeedError("feed: not a feed (no XML root element)");
  throw new FeedError(`feed: not a feed (root element <${root}>)`);
}

/** Atom text constructs and content (RFC 4287 §3.1, §4.1.3) that can carry type="xhtml". */
const XHTML_CONSTRUCT =
  /<((?:[\w.-]+:)?(?:content|summary|title|subtitle|rights))(\s[^>]*?)\btype\s*=\s*(["'])xhtml\3([^>]*?)(?<!\/)>([\s\S]*?)<\/\1\s*>/g;

/**
 * Turn `type="xhtml"` constructs into `type="html"` CDATA before parsing. xml2js keeps children and
 * text apart, which loses the order of mixed content ("submitted by <a>x</a> to <a>y</a>"); as an
 * HTML string the markup survives intact, and its entities are decoded once, by the HTML sanitizer.
 */
export function xhtmlConstructsToHtml(text: string): string {
  return text.replace(XHTML_CONSTRUCT, (_m, name: string, before: string, _q: string, after: string, inner: string) => {
    const cdata = inner.replace(/]]>/g, "]]]]><![CDATA[>");
    return `<${name}${before}type="html"${after}><![CDATA[${cdata}]]></${name}>`;
  });
}
