import type { RawItem } from "../raw-item.js";
import { mediaOf } from "./media.js";
import type { ParsedItem } from "./parsed-feed.js";
import type { RssParserRecord, XmlNode } from "./wire.js";
import { asString, attrOf, childNodes, firstText, ownAttr, textOf } from "./xml-nodes.js";

/** RSS 0.9x, 1.0 (RDF) and 2.0 items (https://www.rssboard.org/rss-specification) → ParsedItem. */

function field(item: RssParserRecord, name: string): XmlNode[] {
  return childNodes(item, `x:${name}`);
}

function texts(nodes: readonly XmlNode[]): string[] {
  return nodes.map((n) => textOf(n)?.trim()).filter((t): t is string => t !== undefined && t !== "");
}

/** RSS `author` is "email (Name)" by the spec; feeds also write "Name <email>", a bare email or a name. */
export function parseRssAuthor(value: string): { name?: string; email?: string } {
  const emailThenName = /^([^\s()<>]+@[^\s()<>]+)\s*\((.+)\)$/.exec(value);
  if (emailThenName) return { email: emailThenName[1] ?? "", name: emailThenName[2] ?? "" };
  const nameThenEmail = /^(.+?)\s*<([^\s<>]+@[^\s<>]+)>$/.exec(value);
  if (nameThenEmail) return { name: nameThenEmail[1] ?? "", email: nameThenEmail[2] ?? "" };
  if (/^[^\s@]+@[^\s@]+$/.test(value)) return { email: value };
  return { name: value };
}

function authorsOf(item: RssParserRecord): Array<{ name?: string; email?: string }> {
  return [
    ...texts(field(item, "dc:creator")).map((name) => ({ name })),
    ...texts(field(item, "author")).map(parseRssAuthor),
    ...texts(field(item, "itunes:author")).map((name) => ({ name })),
  ];
}

/** A guid is the item's permalink unless isPermaLink="false" (RSS 2.0 `<guid>`). */
function permalinkGuid(node: XmlNode | undefined): string | undefined {
  const guid = textOf(node)?.trim();
  if (guid === undefined || attrOf(node, "isPermaLink")?.trim().toLowerCase() === "false") return undefined;
  return /^https?:\/\//i.test(guid) ? guid : undefined;
}

function atomLinkHref(nodes: readonly XmlNode[]): string | undefined {
  return nodes
    .filter((n) => (attrOf(n, "rel") ?? "alternate") === "alternate")
    .map((n) => attrOf(n, "href"))
    .find((h) => h !== undefined);
}

function enclosuresOf(item: RssParserRecord): NonNullable<RawItem["enclosures"]> {
  const rss = field(item, "enclosure").flatMap((n) => {
    const url = attrOf(n, "url");
    const type = attrOf(n, "type");
    const length = attrOf(n, "length");
    return url === undefined
      ? []
      : [{ url, ...(type !== undefined && { type }), ...(length !== undefined && { length }) }];
  });
  // RSS 1.0 mod_enclosure: <enc:enclosure rdf:resource="…" enc:type="…" enc:length="…"/>
  const rdf = field(item, "enc:enclosure").flatMap((n) => {
    const url = attrOf(n, "rdf:resource") ?? attrOf(n, "url");
    const type = attrOf(n, "enc:type");
    const length = attrOf(n, "enc:length");
    return url === undefined
      ? []
      : [{ url, ...(type !== undefined && { type }), ...(length !== undefined && { length }) }];
  });
  return [...rss, ...rdf, ...mediaOf(item).enclosures];
}

/**
 * Without a guid, a podcast episode's identity is its audio or video file: podcast feeds often
 * point every item's link at the show page (rss2-rsr-capsule-podcast.xml: 15 episodes, one link).
 */
function episodeFileUrl(item: RssParserRecord): string | undefined {
  const episode = field(item, "enclosure").find((n) => /^(?:audio|video)\//i.test(attrOf(n, "type")?.trim() ?? ""));
  return attrOf(episode, "url")?.trim() || undefined;
}

function firstOf<T>(...values: Array<T | undefined>): T | undefined {
  return values.find((v) => v !== undefined);
}

export function adaptRssItem(item: RssParserRecord): ParsedItem {
  const guidNode = field(item, "guid")[0];
  const description = field(item, "description")[0];
  const encoded = field(item, "content:encoded")[0];
  const media = mediaOf(item);
  const raw: RawItem = {
    guid: firstOf(textOf(guidNode)?.trim() || undefined, ownAttr(item, "rdf:about"), episodeFileUrl(item)),
    url: firstOf(
      firstText(field(item, "feedburner:origLink")),
      firstText(field(item, "link")),
      atomLinkHref([...field(item, "atom:link"), ...field(item, "a10:link")]),
      permalinkGuid(guidNode),
    ),
    title: firstOf(firstText(field(item, "title")), firstText(field(item, "dc:title"))),
    // rss-parser's `content` is the description, re-serialized when it holds unescaped child elements.
    summary: firstOf(asString(item.content), firstText(field(item, "itunes:summary"))),
    contentHtml: textOf(encoded),
    authors: authorsOf(item),
    tags: [...texts(field(item, "category")), ...texts(field(item, "dc:subject"))],
    published: firstOf(
      firstText(field(item, "pubDate")),
      firstText(field(item, "dc:date")),
      firstText(field(item, "dcterms:issued")),
      firstText(field(item, "dcterms:created")),
    ),
    updated: firstOf(
      firstText(field(item, "atom:updated")),
      firstText(field(item, "a10:updated")),
      firstText(field(item, "dcterms:modified")),
    ),
    imageUrl: firstOf(media.imageUrl, attrOf(field(item, "itunes:image")[0], "href")),
    language: firstText(field(item, "dc:language")),
    enclosures: enclosuresOf(item),
  };
  const itemBase = ownAttr(item, "xml:base");
  const contentBase = attrOf(encoded, "xml:base") ?? attrOf(description, "xml:base");
  return {
    raw,
    xmlBase: itemBase === undefined ? [] : [itemBase],
    ...(contentBase !== undefined && { contentXmlBase: contentBase }),
  };
}
