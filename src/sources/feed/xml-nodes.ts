import type { RssParserRecord, XmlElement, XmlNode } from "./wire.js";

/** Readers over untrusted xml2js nodes: never throw, never return a non-string as text. */

export function isElement(value: unknown): value is XmlElement {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asNodes(value: unknown): XmlNode[] {
  const list = Array.isArray(value) ? (value as unknown[]) : value === undefined ? [] : [value];
  return list.filter((v): v is XmlNode => typeof v === "string" || isElement(v));
}

/** Children of an element (or custom-field arrays of an rss-parser record) named `name`. */
export function childNodes(parent: XmlElement | RssParserRecord | undefined, name: string): XmlNode[] {
  return parent === undefined ? [] : asNodes(parent[name]);
}

/** An element's text content (`_`), or the string itself. */
export function textOf(node: XmlNode | undefined): string | undefined {
  if (node === undefined) return undefined;
  if (typeof node === "string") return node;
  return typeof node._ === "string" ? node._ : undefined;
}

export function attrOf(node: XmlNode | undefined, name: string): string | undefined {
  if (node === undefined || typeof node === "string" || !isElement(node.$)) return undefined;
  const value = (node.$ as Record<string, unknown>)[name];
  return typeof value === "string" ? value : undefined;
}

/** First non-empty trimmed text among nodes. */
export function firstText(nodes: readonly XmlNode[]): string | undefined {
  for (const node of nodes) {
    const text = textOf(node)?.trim();
    if (text) return text;
  }
  return undefined;
}

export function asString(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

/** An attribute of the element an rss-parser record was built from (carried as custom field `x:$`). */
export function ownAttr(record: RssParserRecord, name: string): string | undefined {
  const attrs = record["x:$"];
  if (!isElement(attrs)) return undefined;
  const value = attrs[name];
  return typeof value === "string" ? value : undefined;
}
