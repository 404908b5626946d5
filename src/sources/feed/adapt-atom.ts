import type { RawItem } from "../raw-item.js";
import { mediaOf } from "./media.js";
import type { ParsedItem } from "./parsed-feed.js";
import { escapeHtml, isHtmlType, isTextType } from "./text-construct.js";
import type { RssParserRecord, XmlNode } from "./wire.js";
import { attrOf, childNodes, firstText, isElement, ownAttr, textOf } from "./xml-nodes.js";

/** Atom 1.0 (RFC 4287) and Atom 0.3 entries → ParsedItem. */

function field(entry: RssParserRecord, name: string): XmlNode[] {
  return childNodes(entry, `x:${name}`);
}

/**
 * A text construct (RFC 4287 §3.1) as HTML for the normalizer: `html` as is, `text` escaped so it
 * is not decoded twice; out-of-line (`src`) and non-text media types carry nothing to show.
 */
function constructHtml(node: XmlNode | undefined): string | undefined {
  if (node === undefined || attrOf(node, "src") !== undefined) return undefined;
  const text = textOf(node);
  if (text === undefined || text.trim() === "") return undefined;
  const type = attrOf(node, "type");
  if (isHtmlType(type)) return text;
  return isTextType(type) ? escapeHtml(text) : undefined;
}

/** The entry's web page: `rel="alternate"` (the default rel, RFC 4287 §4.2.7.2), HTML preferred. */
function alternateLink(links: readonly XmlNode[]): string | undefined {
  const alternates = links.filter(
    (l) => (attrOf(l, "rel") ?? "alternate").trim() === "alternate" && attrOf(l, "href") !== undefined,
  );
  const html = alternates.find((l) => /html/i.test(attrOf(l, "type") ?? "text/html"));
  return attrOf(html ?? alternates[0], "href");
}

function enclosuresOf(entry: RssParserRecord, links: readonly XmlNode[]): NonNullable<RawItem["enclosures"]> {
  const linked = links
    .filter((l) => attrOf(l, "rel") === "enclosure")
    .flatMap((l) => {
      const url = attrOf(l, "href");
      const type = attrOf(l, "type");
      const length = attrOf(l, "length");
      return url === undefined
        ? []
        : [{ url, ...(type !== undefined && { type }), ...(length !== undefined && { length }) }];
    });
  return [...linked, ...mediaOf(entry).enclosures];
}

function authorsOf(entry: RssParserRecord): NonNullable<RawItem["authors"]> {
  return field(entry, "author").flatMap((a) => {
    if (!isElement(a)) return a.trim() === "" ? [] : [{ name: a }];
    const name = firstText(childNodes(a, "name"));
    const email = firstText(childNodes(a, "email"));
    // Atom 0.3 called it `url`, Atom 1.0 `uri` (RFC 4287 §3.2.3).
    const url = firstText(childNodes(a, "uri")) ?? firstText(childNodes(a, "url"));
    return [
      { ...(name !== undefined && { name }), ...(email !== undefined && { email }), ...(url !== undefined && { url }) },
    ];
  });
}

function tagsOf(entry: RssParserRecord): string[] {
  const categories = field(entry, "category").map((c) => attrOf(c, "label") ?? attrOf(c, "term") ?? textOf(c));
  const subjects = field(entry, "dc:subject").map(textOf);
  return [...categories, ...subjects].filter((t): t is string => t !== undefined && t.trim() !== "");
}

/** An entry with no link but an http(s) id (static-site generators use the post URL): the id is the page. */
function webId(ids: readonly XmlNode[]): string | undefined {
  const id = firstText(ids);
  return id !== undefined && /^https?:\/\//i.test(id) ? id : undefined;
}

export function adaptAtomEntry(entry: RssParserRecord): ParsedItem {
  const links = field(entry, "link");
  const content = field(entry, "content")[0];
  const summary = field(entry, "summary")[0];
  const media = mediaOf(entry);
  const raw: RawItem = {
    guid: firstText(field(entry, "id")),
    url: alternateLink(links) ?? firstText(field(entry, "feedburner:origLink")) ?? webId(field(entry, "id")),
    title: constructHtml(field(entry, "title")[0]),
    summary:
      constructHtml(summary) ??
      firstText(field(entry, "media:group").flatMap((g) => (isElement(g) ? childNodes(g, "media:description") : []))),
    contentHtml: constructHtml(content),
    authors: authorsOf(entry),
    tags: tagsOf(entry),
    // `published`/`updated` are renamed before rss-parser sees them (see parse-xml.ts).
    published:
      firstText(field(entry, "atom-published")) ??
      firstText(field(entry, "issued")) ??
      firstText(field(entry, "created")),
    updated: firstText(field(entry, "atom-updated")) ?? firstText(field(entry, "modified")),
    language: ownAttr(entry, "xml:lang"),
    enclosures: enclosuresOf(entry, links),
    ...(media.imageUrl !== undefined && { imageUrl: media.imageUrl }),
  };
  const entryBase = ownAttr(entry, "xml:base");
  const contentBase = attrOf(content, "xml:base") ?? attrOf(summary, "xml:base");
  return {
    raw,
    xmlBase: entryBase === undefined ? [] : [entryBase],
    ...(contentBase !== undefined && { contentXmlBase: contentBase }),
  };
}
