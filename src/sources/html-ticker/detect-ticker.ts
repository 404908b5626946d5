/**
 * Finding a page's news ticker without selectors: the block of `HH:MM headline` lines a "Latest
 * News" box shows, whatever its markup.
 *
 * Sites write ticker lines as list items, paragraphs, table rows, or bare text separated by `<br>`,
 * with the time in its own element or inline, with or without a link, sometimes behind a
 * "Breaking" label. So the page is read the way a browser lays it out, as lines of text:
 * - block elements (html-text.ts: `li`, `p`, `div`, `tr`, `td`, headings, …) and `<br>` end a line; inline
 *   elements (`span`, `a`, `time`, `b`, …) do not; scripts, styles and form controls are skipped;
 * - within inline runs, a text that starts with a time starts a new line once the current line
 *   already has a headline (`<span>17:00</span><a>A</a><span>16:50</span><a>B</a>`);
 * - a line that is only a time joins the line after it (`<li><span>17:10</span><div>…</div></li>`);
 * - a ticker line is a time (ticker-time.ts) followed by a headline of at least
 *   {@link MIN_HEADLINE_WORDS} words, which keeps out prayer-time widgets ("05:30 Fajr"), clocks
 *   and scores;
 * - consecutive ticker lines form a block; any other line with letters ends it; a block needs
 *   {@link MIN_BLOCK_LINES} lines. Its heading is the nearest line above it.
 * Of several blocks, the one headed "Latest News" (any case) wins, else the one with most lines,
 * else the first. The line's link is the first `<a href>` holding some of its text.
 *
 * The walk is iterative (no recursion), so a hostile page nested a million deep cannot overflow
 * the stack; its cost is linear in the number of nodes.
 */
import { load } from "cheerio";
import type { CheerioAPI } from "cheerio";
import { isTag, isText } from "domhandler";
import type { AnyNode, Element } from "domhandler";
import { parseTickerTime } from "./ticker-time.js";
import type { TickerLine } from "./ticker-page.js";
import { absoluteUrl } from "../document-base.js";
import { BLOCK_ELEMENTS, collapseWhitespace } from "../html-text.js";

/** Fewest words a headline has (after its time). */
export const MIN_HEADLINE_WORDS = 3;
/** Fewest lines a block needs to be taken for a ticker. */
export const MIN_BLOCK_LINES = 2;

const PREFERRED_HEADING = /\blatest\s+news\b/i;

/** Elements whose text is never ticker text. */
const SKIPPED_ELEMENTS = new Set([
  "script", "style", "noscript", "template", "head", "svg", "math", "select", "option", "button", "textarea", "iframe",
  "object", "canvas",
]);

/** A ticker block found on the page. */
export interface DetectedBlock {
  /** The nearest line of text above the block ("Latest News"), if any. */
  readonly heading?: string;
  readonly lines: readonly TickerLine[];
  /** Per line, the element that holds it (the `li`, `p`…; for `<br>`-separated text, the shared parent). */
  readonly elements: readonly Element[];
}

export interface TickerDetection {
  /** Every block that qualified, in page order. */
  readonly blocks: readonly DetectedBlock[];
  /** The block taken for the ticker; undefined when none qualified. */
  readonly chosen?: DetectedBlock;
  /** Why nothing qualified (undefined when a block was chosen). */
  readonly reason?: string;
}

interface TextLine {
  text: string;
  link?: string;
  element: Element | undefined;
}

/** Finds the ticker blocks of a parsed page. Links resolve against `baseUrl`. */
export function detectTicker($: CheerioAPI, baseUrl: string): TickerDetection {
  const lines = joinLoneTimes(textLines($, baseUrl));
  const blocks: DetectedBlock[] = [];
  let run: { heading?: string; lines: TickerLine[]; elements: Element[]; container?: Element } | undefined;
  let lastText: string | undefined;
  let timedLines = 0;
  const close = (): void => {
    if (run !== undefined && run.lines.length >= MIN_BLOCK_LINES) {
      blocks.push({ ...(run.heading !== undefined && { heading: run.heading }), lines: run.lines, elements: run.elements });
    }
    if (run !== undefined) lastText = undefined; // a heading heads one block only
    run = undefined;
  };
  for (const line of lines) {
    const ticker = tickerLine(line);
    if (ticker === undefined) {
      if (!/\p{L}/u.test(line.text)) continue;
      close();
      lastText = line.text;
      continue;
    }
    timedLines++;
    const previous = run?.elements.at(-1);
    const container = previous === undefined || line.element === undefined ? undefined : commonAncestor(previous, line.element);
    // A block's lines share one container (the list, the <br>-separated element): another starts a new block.
    if (run !== undefined && (container === undefined || (run.container !== undefined && container !== run.container))) close();
    if (run === undefined) run = { ...(lastText !== undefined && { heading: lastText }), lines: [], elements: [] };
    else run.container ??= container;
    run.lines.push(ticker);
    if (line.element !== undefined) run.elements.push(line.element);
  }
  close();
  if (blocks.length === 0) {
    return {
      blocks,
      reason:
        timedLines === 0
          ? `no line of text starts with a time (HH:MM) followed by a headline of ${MIN_HEADLINE_WORDS}+ words`
          : `${timedLines} line(s) start with a time and a headline, but never ${MIN_BLOCK_LINES} in a row`,
    };
  }
  const preferred = blocks.find((block) => block.heading !== undefined && PREFERRED_HEADING.test(block.heading));
  const longest = blocks.reduce((best, block) => (block.lines.length > best.lines.length ? block : best));
  return { blocks, chosen: preferred ?? longest };
}

/** Parses `html` and detects; see {@link detectTicker}. */
export function detectTickerInHtml(html: string, baseUrl: string): TickerDetection {
  return detectTicker(load(html), baseUrl);
}

function tickerLine(line: TextLine): TickerLine | undefined {
  const parsed = parseTickerTime(line.text);
  if (parsed === undefined || !isHeadline(parsed.rest)) return undefined;
  return { time: parsed.time, title: parsed.rest, ...(line.link !== undefined && { link: line.link }) };
}

function isHeadline(text: string): boolean {
  return /\p{L}/u.test(text) && (text.match(/[\p{L}\p{N}]+/gu) ?? []).length >= MIN_HEADLINE_WORDS;
}

/** How far up two lines' elements are searched for a shared container (bounds the work on deep pages). */
const MAX_CONTAINER_DEPTH = 32;

function commonAncestor(a: Element, b: Element): Element | undefined {
  const ancestors = new Set<Element>();
  for (let node: Element | null = a, up = 0; node !== null && up < MAX_CONTAINER_DEPTH; node = parentElement(node), up++) {
    ancestors.add(node);
  }
  for (let node: Element | null = b, up = 0; node !== null && up < MAX_CONTAINER_DEPTH; node = parentElement(node), up++) {
    if (ancestors.has(node)) return node;
  }
  return undefined;
}

function parentElement(node: Element): Element | null {
  const parent = node.parent;
  return parent !== null && isTag(parent) ? parent : null;
}

/** A line that is only a time (with or without a label) takes the next line as its headline. */
function joinLoneTimes(lines: readonly TextLine[]): TextLine[] {
  const joined: TextLine[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const next = lines[i + 1];
    if (line === undefined) continue;
    const parsed = parseTickerTime(line.text);
    if (parsed !== undefined && parsed.rest === "" && next !== undefined && parseTickerTime(next.text) === undefined) {
      const link = line.link ?? next.link;
      joined.push({ text: `${line.text} ${next.text}`, element: line.element, ...(link !== undefined && { link }) });
      i++;
    } else {
      joined.push(line);
    }
  }
  return joined;
}

type Step = { readonly node: AnyNode } | { readonly leave: Element };

/** The page's text as lines, in document order (see the module comment). */
function textLines($: CheerioAPI, baseUrl: string): TextLine[] {
  const lines: TextLine[] = [];
  const blocks: Element[] = [];
  const anchors: Element[] = [];
  let current: TextLine | undefined;

  const flush = (): void => {
    if (current !== undefined) {
      current.text = collapseWhitespace(current.text);
      if (current.text !== "") lines.push(current);
    }
    current = undefined;
  };
  const append = (text: string): void => {
    const started = parseTickerTime(text);
    if (current !== undefined && started !== undefined && hasHeadline(current.text)) flush();
    current ??= { text: "", element: blocks.at(-1) };
    current.text += text;
    const anchor = anchors.at(-1);
    if (current.link === undefined && anchor !== undefined && /\S/.test(text)) {
      const link = absoluteUrl(anchor.attribs.href ?? "", baseUrl);
      if (link !== undefined) current.link = link;
    }
  };

  const stack: Step[] = $.root()
    .contents()
    .toArray()
    .reverse()
    .map((node) => ({ node }));
  for (let step = stack.pop(); step !== undefined; step = stack.pop()) {
    if ("leave" in step) {
      if (BLOCK_ELEMENTS.has(step.leave.name)) {
        flush();
        blocks.pop();
      }
      if (step.leave.name === "a" && step.leave.attribs.href !== undefined) anchors.pop();
      continue;
    }
    const { node } = step;
    if (isText(node)) {
      append(node.data);
      continue;
    }
    if (!isTag(node) || SKIPPED_ELEMENTS.has(node.name)) continue;
    if (node.name === "br") {
      flush();
      continue;
    }
    if (BLOCK_ELEMENTS.has(node.name)) {
      flush();
      blocks.push(node);
    }
    if (node.name === "a" && node.attribs.href !== undefined) anchors.push(node);
    stack.push({ leave: node });
    for (let i = node.children.length - 1; i >= 0; i--) {
      const child = node.children[i];
      if (child !== undefined) stack.push({ node: child });
    }
  }
  flush();
  return lines;
}

/** Whether a line in progress already has a time and a headline after it. */
function hasHeadline(text: string): boolean {
  const parsed = parseTickerTime(text);
  return parsed !== undefined && /\p{L}/u.test(parsed.rest);
}
