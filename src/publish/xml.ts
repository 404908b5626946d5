/**
 * A tiny escaping XML writer shared by the RSS and Atom renderers. Every string that reaches the
 * output goes through `escapeText` or `escapeAttribute`, so no input can break well-formedness:
 * no CDATA sections (a second `]]>` inside one ends it early), no raw markup.
 */

/**
 * XML 1.0 §2.2 `Char`: anything outside it may not appear in a document, not even as a
 * character reference. Items arrive normalized; stripping again is cheap insurance.
 */
const NON_XML_CHARS = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Character data: `&` and `<` must be escaped (XML 1.0 §2.4); `>` too, so `]]>` cannot occur. */
export function escapeText(value: string): string {
  return value.replace(NON_XML_CHARS, "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * Attribute values: quotes as well, and whitespace as character references, because attribute-value
 * normalization (XML 1.0 §3.3.3) would otherwise turn a literal tab or newline into a space.
 */
export function escapeAttribute(value: string): string {
  return escapeText(value)
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;")
    .replace(/\t/g, "&#9;")
    .replace(/\n/g, "&#10;")
    .replace(/\r/g, "&#13;");
}

export type XmlAttributes = Readonly<Record<string, string | number | undefined>>;

/** An element holding either text or child elements (the feeds we write never mix them). */
export interface XmlElement {
  readonly name: string;
  readonly attributes: ReadonlyArray<readonly [string, string]>;
  readonly content: string | readonly XmlElement[];
}

/**
 * Build an element. Attributes whose value is undefined and children that are undefined are
 * dropped, so optional parts read as `cond ? element(…) : undefined` at the call site.
 */
export function element(
  name: string,
  attributes: XmlAttributes = {},
  content: string | ReadonlyArray<XmlElement | undefined> = [],
): XmlElement {
  const presentAttributes = Object.entries(attributes).flatMap(([key, value]) =>
    value === undefined ? [] : [[key, String(value)] as const],
  );
  const presentContent =
    typeof content === "string" ? content : content.filter((child): child is XmlElement => child !== undefined);
  return { name, attributes: presentAttributes, content: presentContent };
}

/** A text-only element, or undefined when the text is absent or empty (nothing to say). */
export function optionalText(
  name: string,
  text: string | undefined,
  attributes: XmlAttributes = {},
): XmlElement | undefined {
  return text === undefined || text === "" ? undefined : element(name, attributes, text);
}

/**
 * Serialize a whole document: UTF-8 declaration, the stylesheet instruction when one is named,
 * two-space indentation, trailing newline.
 */
export function serializeDocument(root: XmlElement, stylesheetHref?: string): string {
  const stylesheet = stylesheetHref === undefined ? "" : `${stylesheetInstruction(stylesheetHref)}\n`;
  return `<?xml version="1.0" encoding="utf-8"?>\n${stylesheet}${serializeElement(root, "")}\n`;
}

/**
 * `<?xml-stylesheet?>` (W3C "Associating Style Sheets with XML documents" 1.0): browsers render the
 * document through the XSLT it names; feed readers ignore processing instructions. `text/xsl` is
 * the type every browser recognizes. Its pseudo-attributes are escaped like attributes.
 */
export function stylesheetInstruction(href: string): string {
  return `<?xml-stylesheet type="text/xsl" href="${escapeAttribute(href)}"?>`;
}

function serializeElement(node: XmlElement, indent: string): string {
  const attributes = node.attributes.map(([key, value]) => ` ${key}="${escapeAttribute(value)}"`).join("");
  const open = `${indent}<${node.name}${attributes}`;
  if (node.content.length === 0) return `${open}/>`;
  if (typeof node.content === "string") return `${open}>${escapeText(node.content)}</${node.name}>`;
  const children = node.content.map((child) => serializeElement(child, `${indent}  `)).join("\n");
  return `${open}>\n${children}\n${indent}</${node.name}>`;
}
