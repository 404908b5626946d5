/**
 * What the renderer tests check against: an XML reader over fast-xml-parser and the syntax rules
 * of the W3C Feed Validation Service that can be checked without the service itself.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { expect } from "vitest";

export const ATOM_NS = "http://www.w3.org/2005/Atom";
export const DC_NS = "http://purl.org/dc/elements/1.1/";

/** RFC 822 §5 with a four-digit year, as RSS 2.0 and the W3C validator read it. */
export const RFC822 =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} (GMT|[+-]\d{4})$/;

/** RFC 3339 §5.6 date-time (upper-case T and Z, as RFC 4287 §3.3 requires). */
export const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** RFC 4287 §4.2.6: an absolute IRI; our ids use these schemes. */
export const ATOM_ID = /^(https?:\/\/[^\s]+|urn:[a-z0-9][a-z0-9-]*:[^\s]+|tag:[^\s:]+:[^\s]+)$/i;

/** The strings a careless renderer leaks for missing values. */
export const LEAKED_VALUES = /\b(undefined|null|NaN)\b|\[object Object\]/;

/** An element as fast-xml-parser gives it with the options below. */
export type XNode = Readonly<Record<string, unknown>>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  alwaysCreateTextNode: true,
  // Decode character references (`&#233;`) as XML does; undeclared named entities never reach here,
  // because feed-validators.ts rejects them as not well-formed first.
  htmlEntities: true,
  // Every element becomes an array, so a repeated or missing element is a visible count.
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
});

/** Parse without judging: the caller checks well-formedness (XMLValidator, feed-validators.ts). */
export function parseXml(xml: string): XNode {
  return parser.parse(xml) as XNode;
}

/** Parse after asserting well-formedness (XML 1.0), the first thing any validator checks. */
export function parseWellFormed(xml: string): XNode {
  expect(XMLValidator.validate(xml)).toBe(true);
  return parseXml(xml);
}

export function children(node: XNode, name: string): XNode[] {
  const value = node[name];
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Error(`feed-rules: ${name} is not an element list`);
  return value as XNode[];
}

/** The single child of that name; fails the test when there are none or several. */
export function only(node: XNode, name: string): XNode {
  const list = children(node, name);
  expect(list, `exactly one <${name}>`).toHaveLength(1);
  return list[0] as XNode;
}

export function text(node: XNode): string {
  const value = node["#text"];
  return typeof value === "string" ? value : "";
}

export function attr(node: XNode, name: string): string | undefined {
  const value = node[`@_${name}`];
  return typeof value === "string" ? value : undefined;
}

export function childText(node: XNode, name: string): string | undefined {
  const list = children(node, name);
  return list[0] === undefined ? undefined : text(list[0]);
}
