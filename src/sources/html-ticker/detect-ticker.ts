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
  "script",
  "style",
  "noscript",
  "template",
  "head",
  "svg",
  "math",
  "select",
  "option",
  "button",
  "textarea",
  "iframe",
  "object",
  "canvas",
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
  readonly chosen?: DetectedBlock | undefined;
  /** Why nothing qualified (undefined when a block was chosen). */
  readonly reason?: string;
}

interface TextLine {
  text: string;
  link?: string;
  element: Element | undefined;
  /** Inside page chrome (nav, header, footer): never a block's heading. */
  chrome: boolean;
}

/** Non-ticker lines (ads, badges) a block tolerates in a row before it ends. */
const MAX_INTERRUPTIONS = 2;

/** How many lines of text above a block are searched for its heading ("Latest News", "View all"). */
const HEADING_LOOKBACK = 3;

interface Run {
  headings: string[];
  lines: TickerLine[];
  elements: Element[];
  container?: Element | undefined;
}

/** Finds the ticker blocks of a parsed page. Links resolve against `baseUrl`. */
export function detectTicker($: CheerioAPI, baseUrl: string): TickerDetection {
  const lines = joinLoneTimes(textLines($, baseUrl));
  const blocks: DetectedBlock[] = [];
  let run: Run | undefined;
  let above: string[] = [];
  let timedLines = 0;
  const close = (): void => {
    if (run !== undefined && run.lines.length >= MIN_BLOCK_LINES) blocks.push(toBlock(run));
    if (run !== undefined) above = []; // a heading heads one block only
    run = undefined;
  };
  let interruptions = 0;
  for (const line of lines) {
    // Inside a run, a line of its container that is not a full ticker line (an ad slot, a badge, a
    // short "16:50 Markets rally") neither ends the block nor starts another, up to a few in a row.
    const inRun = run !== undefined && line.element !== undefined && belongsTo(run, line.element);
    const parsed = parseTickerTime(line.text);
    const timed = parsed !== undefined && /\p{L}/u.test(parsed.rest) ? parsed : undefined;
    const full = timed !== undefined && isHeadline(timed.rest);
    if (timed === undefined || !(full || inRun)) {
      if (!/\p{L}/u.test(line.text)) continue;
      if (inRun && ++interruptions <= MAX_INTERRUPTIONS) continue;
      close();
      if (!line.chrome) above = [...above, line.text].slice(-HEADING_LOOKBACK);
      continue;
    }
    if (full && run !== undefined && !continues(run, line.element)) close();
    timedLines++;
    interruptions = 0;
    run ??= { headings: above, lines: [], elements: [] };
    const previous = run.elements.at(-1);
    if (previous !== undefined && line.element !== undefined) run.container ??= commonAncestor(previous, line.element);
    run.lines.push({ time: timed.time, title: timed.rest, ...(line.link !== undefined && { link: line.link }) });
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
  const longest = (candidates: readonly DetectedBlock[]): DetectedBlock | undefined =>
    candidates.reduce<DetectedBlock | undefined>(
      (best, block) => (best === undefined || block.lines.length > best.lines.length ? block : best),
      undefined,
    );
  const preferred = longest(
    blocks.filter((block) => block.heading !== undefined && PREFERRED_HEADING.test(block.heading)),
  );
  return { blocks, chosen: preferred ?? longest(blocks) };
}

/**
 * Whether `element` holds a line of the run: inside the run's container once two lines fixed it;
 * before that, the first line's element itself (`<br>`-separated text) or one of its siblings.
 */
function belongsTo(run: Run, element: Element): boolean {
  if (run.container !== undefined) return isWithin(element, run.container);
  const first = run.elements[0];
  return first !== undefined && (element === first || (first.parent !== null && element.parent === first.parent));
}

/** Whether a full ticker line continues the run: in its container, or near its only line so far. */
function continues(run: Run, element: Element | undefined): boolean {
  if (element === undefined) return false;
  if (run.container !== undefined) return isWithin(element, run.container);
  const first = run.elements[0];
  return first !== undefined && commonAncestor(first, element) !== undefined;
}

function isWithin(element: Element, container: Element): boolean {
  for (
    let node: Element | null = element, up = 0;
    node !== null && up < MAX_CONTAINER_DEPTH;
    node = parentElement(node), up++
  ) {
    if (node === container) return true;
  }
  return false;
}

/**
 * A run as a block: its heading is the nearest line above it that names a ticker ("Latest News"),
 * else the nearest line above it; a line repeated in the run (a carousel's copy) is kept once.
 */
function toBlock(run: Run): DetectedBlock {
  const heading = [...run.headings].reverse().find((text) => PREFERRED_HEADING.test(text)) ?? run.headings.at(-1);
  const seen = new Set<string>();
  const lines: TickerLine[] = [];
  const elements: Element[] = [];
  run.lines.forEach((line, index) => {
    const key = `${line.time.hour}:${line.time.minute} ${line.title}`;
    if (seen.has(key)) return;
    seen.add(key);
    lines.push(line);
    const element = run.elements[index];
    if (element !== undefined) elements.push(element);
  });
  return { ...(heading !== undefined && { heading }), lines, elements };
}

/** Parses `html` and detects; see {@link detectTicker}. */
export function detectTickerInHtml(html: string, baseUrl: string): TickerDetection {
  return detectTicker(load(html), baseUrl);
}

function isHeadline(text: string): boolean {
  return /\p{L}/u.test(text) && (text.match(/[\p{L}\p{N}]+/gu) ?? []).length >= MIN_HEADLINE_WORDS;
}

/** How far up two lines' elements are searched for a shared container (bounds the work on deep pages). */
const MAX_CONTAINER_DEPTH = 32;

function commonAncestor(a: Element, b: Element): Element | undefined {
  const ancestors = new Set<Element>();
  for (
    let node: Element | null = a, up = 0;
    node !== null && up < MAX_CONTAINER_DEPTH;
    node = parentElement(node), up++
  ) {
    ancestors.add(node);
  }
  for (
    let node: Element | null = b, up = 0;
    node !== null && up < MAX_CONTAINER_DEPTH;
    node = parentElement(node), up++
  ) {
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
      joined.push({
        text: `${line.text} ${next.text}`,
        element: line.element,
        chrome: line.chrome,
        ...(link !== undefined && { link }),
      });
      i++;
    } else {
      joined.push(line);
    }
  }
  return joined;
}

type Step = { readonly node: AnyNode } | { readonly leave: Element };

/** Page chrome: a ticker line's heading is never in it (a nav link "Latest News" heads no block). */
const CHROME_ELEMENTS = new Set(["nav", "header", "footer"]);

/** A line being read, with how much text each of its links holds. */
interface OpenLine {
  text: string;
  element: Element | undefined;
  chrome: boolean;
  anchorText: Map<Element, number>;
}

/** The page's text as lines, in document order (see the module comment). */
function textLines($: CheerioAPI, baseUrl: string): TextLine[] {
  const lines: TextLine[] = [];
  const blocks: Element[] = [];
  const anchors: Element[] = [];
  let chromeDepth = 0;
  let current: OpenLine | undefined;

  const flush = (): void => {
    if (current !== undefined) {
      // Marquee separators ("Headline |", "Headline •") belong to no headline.
      const text = collapseWhitespace(current.text).replace(/[\s|•·–—-]+$/u, "");
      const link = lineLink(current.anchorText, baseUrl);
      if (text !== "")
        lines.push({ text, element: current.element, chrome: current.chrome, ...(link !== undefined && { link }) });
    }
    current = undefined;
  };
  const append = (text: string): void => {
    const started = parseTickerTime(text);
    if (current !== undefined && started !== undefined && hasHeadline(current.text)) flush();
    current ??= { text: "", element: blocks.at(-1), chrome: chromeDepth > 0, anchorText: new Map() };
    current.text += text;
    const anchor = anchors.at(-1);
    const letters = text.replace(/\s+/g, "").length;
    if (anchor !== undefined && letters > 0)
      current.anchorText.set(anchor, (current.anchorText.get(anchor) ?? 0) + letters);
  };

  const stack: Step[] = $.root()
    .contents()
    .toArray()
    .reverse()
    .map((node) => ({ node }));
  for (let step = stack.pop(); step !== undefined; step = stack.pop()) {
    if ("leave" in step) {
      const { name } = step.leave;
      if (BLOCK_ELEMENTS.has(name)) {
        flush();
        blocks.pop();
      }
      if (name === "a" && step.leave.attribs.href !== undefined) anchors.pop();
      if (CHROME_ELEMENTS.has(name)) chromeDepth--;
      continue;
    }
    const { node } = step;
    if (isText(node)) {
      append(node.data);
      continue;
    }
    if (!isTag(node) || SKIPPED_ELEMENTS.has(node.name) || isHiddenCopy(node)) continue;
    if (node.name === "br") {
      flush();
      continue;
    }
    if (BLOCK_ELEMENTS.has(node.name)) {
      flush();
      blocks.push(node);
    }
    if (node.name === "a" && node.attribs.href !== undefined) anchors.push(node);
    if (CHROME_ELEMENTS.has(node.name)) chromeDepth++;
    stack.push({ leave: node });
    for (let i = node.children.length - 1; i >= 0; i--) {
      const child = node.children[i];
      if (child !== undefined) stack.push({ node: child });
    }
  }
  flush();
  return lines;
}

/**
 * Copies a carousel makes of its own slides to loop (Slick's `slick-cloned`, Swiper's
 * `swiper-slide-duplicate`), and anything hidden from assistive technology (`aria-hidden`, WAI-ARIA
 * 1.2 §6.6): read twice, they would put 09:00 above 17:10 and date the whole ticker a day early.
 */
function isHiddenCopy(element: Element): boolean {
  if (element.attribs["aria-hidden"] === "true" || element.attribs.hidden !== undefined) return true;
  return /(?:^|\s)(?:slick-cloned|swiper-slide-duplicate)(?:\s|$)/.test(element.attribs.class ?? "");
}

/** The line's link: the one holding most of its text (the headline's, not a category pill's). */
function lineLink(anchorText: ReadonlyMap<Element, number>, baseUrl: string): string | undefined {
  let best: Element | undefined;
  for (const [anchor, letters] of anchorText)
    if (best === undefined || letters > (anchorText.get(best) ?? 0)) best = anchor;
  return best === undefined ? undefined : absoluteUrl(best.attribs.href ?? "", baseUrl);
}

/** Whether a line in progress already has a time and a headline after it. */
function hasHeadline(text: string): boolean {
  const parsed = parseTickerTime(text);
  return parsed !== undefined && /\p{L}/u.test(parsed.rest);
}
