import type { RssParserRecord, XmlNode } from "./wire.js";
import { attrOf, childNodes, isElement } from "./xml-nodes.js";

/**
 * Media RSS (https://www.rssboard.org/media-rss) as used by RSS and Atom alike: `media:content`
 * and `media:thumbnail`, directly on the item or grouped in `media:group`.
 */

export interface MediaFound {
  readonly imageUrl?: string;
  readonly enclosures: ReadonlyArray<{ url: string; type?: string; length?: string }>;
}

function mediaNodes(item: RssParserRecord, name: string): XmlNode[] {
  const direct = childNodes(item, `x:${name}`);
  const grouped = childNodes(item, "x:media:group").flatMap((g) => (isElement(g) ? childNodes(g, name) : []));
  return [...direct, ...grouped];
}

function isImage(node: XmlNode): boolean {
  const type = attrOf(node, "type") ?? "";
  return attrOf(node, "medium") === "image" || type.startsWith("image/");
}

export function mediaOf(item: RssParserRecord): MediaFound {
  const contents = mediaNodes(item, "media:content");
  const thumbnail = mediaNodes(item, "media:thumbnail")
    .map((n) => attrOf(n, "url"))
    .find((u) => u !== undefined);
  const imageContent = contents
    .filter(isImage)
    .map((n) => attrOf(n, "url"))
    .find((u) => u !== undefined);
  const enclosures = contents
    .filter((n) => !isImage(n))
    .flatMap((n) => {
      const url = attrOf(n, "url");
      const type = attrOf(n, "type");
      const length = attrOf(n, "fileSize");
      // Without a type or medium, a media:content is as likely a web page as a file: not an enclosure.
      if (url === undefined || (type === undefined && attrOf(n, "medium") === undefined)) return [];
      return [{ url, ...(type !== undefined && { type }), ...(length !== undefined && { length }) }];
    });
  const imageUrl = thumbnail ?? imageContent;
  return { enclosures, ...(imageUrl !== undefined && { imageUrl }) };
}
