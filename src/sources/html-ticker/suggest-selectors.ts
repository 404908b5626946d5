/**
 * The `select:` block that reads the same lines as detection did, so ops can pin a detected ticker
 * (`discover` prints it). Built from the elements that hold the lines: their tag and shared
 * classes, qualified by their shared parent; the time's own element when it has one, else the
 * line itself. A suggestion is offered only after reading the page with it gives the very same
 * lines; bare `<br>`-separated text has no element per line, so it cannot be pinned.
 */
import { hasChildren, isTag, isText } from "domhandler";
import type { Element } from "domhandler";
import type { DetectedBlock } from "./detect-ticker.js";
import { readTickerPage } from "./ticker-page.js";
import type { TickerLine, TickerSelectors } from "./ticker-page.js";
import { parseTickerTime } from "./ticker-time.js";

export type SelectorSuggestion = { readonly select: TickerSelectors } | { readonly reason: string };

/** CSS identifiers we write unescaped (CSS Syntax §4.3.11, minus the escapes). */
const PLAIN_IDENTIFIER = /^-?[A-Za-z_][\w-]*$/;

export function suggestTickerSelectors(html: string, pageUrl: string, block: DetectedBlock): SelectorSuggestion {
  const { elements, lines } = block;
  if (elements.length !== lines.length || new Set(elements).size !== elements.length) {
    return {
      reason:
        "the lines are bare text in one element (separated by <br>): no element per line to select; leave select: out",
    };
  }
  const item = itemSelector(elements);
  if (item === undefined)
    return { reason: "the lines' elements share no tag: no one selector reads them all; leave select: out" };
  const select: TickerSelectors = {
    item,
    time: timeSelector(elements) ?? item,
    ...(lines.some((line) => line.link !== undefined) && { link: "a" }),
  };
  try {
    const read = readTickerPage(html, pageUrl, select).lines;
    if (sameLines(read, lines)) return { select };
  } catch {
    // a selector that matches nothing: fall through to the reason below
  }
  return { reason: `select ${JSON.stringify(select)} would read different lines; leave select: out` };
}

/** How far above the lines' shared parent a named ancestor (an id or a class) is looked for. */
const MAX_QUALIFIER_LEVELS = 4;

function itemSelector(elements: readonly Element[]): string | undefined {
  const [first] = elements;
  if (first === undefined || elements.some((element) => element.name !== first.name)) return undefined;
  const shared = classesOf(first).filter((name) => elements.every((element) => classesOf(element).includes(name)));
  const own = `${first.name}${shared
    .slice(0, 2)
    .map((name) => `.${name}`)
    .join("")}`;
  const parent = first.parent;
  if (parent === null || !isTag(parent) || elements.some((element) => element.parent !== parent)) return own;
  // The nearest named ancestor keeps other lists of the page (a "Most read" box) out.
  let ancestor: Element | null = parent;
  for (let level = 0; ancestor !== null && level < MAX_QUALIFIER_LEVELS; level++) {
    const id = ancestor.attribs.id;
    if (id !== undefined && PLAIN_IDENTIFIER.test(id)) return `#${id} ${own}`;
    const [name] = classesOf(ancestor);
    if (name !== undefined) return `${ancestor.name}.${name} ${own}`;
    ancestor = ancestor.parent !== null && isTag(ancestor.parent) ? ancestor.parent : null;
  }
  return `${parent.name} > ${own}`;
}

/** The first line's descendant whose whole text is its time (`<span class="time">17:10</span>`). */
function timeSelector(elements: readonly Element[]): string | undefined {
  const [first] = elements;
  if (first === undefined) return undefined;
  const pending: Element[] = childElements(first);
  for (let element = pending.shift(); element !== undefined; element = pending.shift()) {
    const parsed = parseTickerTime(textOf(element));
    if (parsed !== undefined && parsed.rest === "") {
      const [name] = classesOf(element);
      return name === undefined ? element.name : `.${name}`;
    }
    pending.push(...childElements(element));
  }
  return undefined;
}

function childElements(element: Element): Element[] {
  return element.children.filter(isTag);
}

function textOf(element: Element): string {
  let text = "";
  const pending = [...element.children];
  for (let node = pending.shift(); node !== undefined; node = pending.shift()) {
    if (isText(node)) text += node.data;
    else if (hasChildren(node)) pending.unshift(...node.children);
  }
  return text;
}

function classesOf(element: Element): string[] {
  return (element.attribs.class ?? "").split(/\s+/).filter((name) => PLAIN_IDENTIFIER.test(name));
}

function sameLines(a: readonly TickerLine[], b: readonly TickerLine[]): boolean {
  return (
    a.length === b.length &&
    a.every((line, index) => {
      const other = b[index];
      return (
        other !== undefined &&
        line.time.hour === other.time.hour &&
        line.time.minute === other.time.minute &&
        line.title === other.title &&
        line.link === other.link
      );
    })
  );
}
