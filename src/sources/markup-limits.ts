/**
 * A cheap, linear look at upstream HTML before any parser sees it. The parsers we use (parse5 under
 * cheerio, htmlparser2 under sanitize-html, linkedom under Readability) spend time quadratic in the
 * nesting depth and recurse over the tree, so one document nested 50,000 deep stalled the serving
 * thread for 30 s and one nested 2,500 deep overflowed the stack. This scan counts what a parser
 * would build — open-element depth and elements — and gives up the moment a limit is passed, so it
 * costs at most one pass over the string however hostile it is.
 *
 * The scan models the HTML tree builder only as far as depth needs: void elements never open,
 * raw-text elements (script, style, …) hide their content, and the optional end tags real pages
 * omit (`<li>`, `<p>`, `<td>`, …) are closed by the start tags that close them in a browser, so a
 * sloppy but ordinary page is not mistaken for a deep one. Its approximations can only err on a
 * page with hundreds of levels, far beyond any real one.
 */

export interface MarkupLimits {
  /** Deepest nesting of open elements accepted. */
  readonly maxDepth: number;
  /** Most start tags accepted. */
  readonly maxElements: number;
}

/**
 * A whole page (ticker, listing, article). 512 levels is where Chromium's HTML parser stops nesting
 * (kMaximumHTMLParserDOMTreeDepth) and flattens the rest, so no page that renders in a browser as
 * its author meant needs more; real news pages are 20–60 deep. 100,000 elements is 3–10× the
 * largest news home pages we have seen and keeps one page's parse in the tens of milliseconds.
 */
export const PAGE_LIMITS: MarkupLimits = Object.freeze({ maxDepth: 512, maxElements: 100_000 });

/**
 * One item's HTML (a feed entry's content, summary or title): the same depth, and 5,000 elements —
 * a long article body has a few hundred. The feed collector yields to the event loop between
 * entries, so this bounds how long one entry holds it: parsing 20,000 sibling elements took
 * parse5 0.7–1.5 s on a 2-vCPU machine, 5,000 a quarter of that.
 */
export const FRAGMENT_LIMITS: MarkupLimits = Object.freeze({ maxDepth: 512, maxElements: 5_000 });

/** Upstream markup beyond a limit: refused before any parser sees it. */
export class MarkupLimitError extends Error {
  override readonly name = "MarkupLimitError";

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
  }
}

const VOID_ELEMENTS: ReadonlySet<string> = new Set([
  "area",
  "base",
  "basefont",
  "bgsound",
  "br",
  "col",
  "embed",
  "frame",
  "hr",
  "img",
  "image",
  "input",
  "keygen",
  "link",
  "meta",
  "param",
  "source",
  "track",
  "wbr",
]);

/** Elements whose content is text up to their own end tag (HTML §13.2.5.2 RAWTEXT / RCDATA, and plaintext). */
const RAW_TEXT_ELEMENTS: ReadonlySet<string> = new Set([
  "script",
  "style",
  "textarea",
  "title",
  "xmp",
  "iframe",
  "noembed",
  "noframes",
  "noscript",
  "plaintext",
]);

/** Start tags that close an open `<p>` (HTML §13.1.2.4, optional end tags). */
const CLOSES_P: ReadonlySet<string> = new Set([
  "address",
  "article",
  "aside",
  "blockquote",
  "details",
  "dialog",
  "div",
  "dl",
  "dd",
  "dt",
  "fieldset",
  "figcaption",
  "figure",
  "footer",
  "form",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "header",
  "hgroup",
  "hr",
  "li",
  "main",
  "menu",
  "nav",
  "ol",
  "p",
  "pre",
  "section",
  "table",
  "ul",
]);

const TABLE_SECTIONS: ReadonlySet<string> = new Set(["thead", "tbody", "tfoot"]);
const RUBY_TEXT: ReadonlySet<string> = new Set(["rb", "rt", "rtc", "rp"]);

/** Whether the start tag `next` implicitly ends the open element `open` (HTML §13.1.2.4). */
function closedBy(open: string, next: string): boolean {
  switch (open) {
    case "p":
      return CLOSES_P.has(next);
    case "li":
      return next === "li";
    case "dt":
    case "dd":
      return next === "dt" || next === "dd";
    case "option":
      return next === "option" || next === "optgroup";
    case "optgroup":
      return next === "optgroup";
    case "tr":
      return next === "tr" || TABLE_SECTIONS.has(next);
    case "td":
    case "th":
      return next === "td" || next === "th" || next === "tr" || TABLE_SECTIONS.has(next);
    case "thead":
    case "tbody":
    case "tfoot":
      return TABLE_SECTIONS.has(next);
    case "a":
      // A second `<a>` closes the first (the adoption agency algorithm, §13.2.6.4.7).
      return next === "a";
    default:
      return RUBY_TEXT.has(open) && RUBY_TEXT.has(next);
  }
}

const TAG_NAME = /[a-zA-Z][^\s/>]*/y;

/** Index just past the `>` ending the tag whose attributes start at `from`; quoted values may hold `>`. */
function endOfTag(html: string, from: number): { end: number; selfClosing: boolean } {
  let quote: string | undefined;
  for (let i = from; i < html.length; i++) {
    const c = html[i];
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      // Quotes open a value only after `=` (spaces allowed); elsewhere they are part of a name.
      let j = i - 1;
      while (j >= from && /\s/.test(html[j] ?? "")) j--;
      if (html[j] === "=") quote = c;
    } else if (c === ">") {
      return { end: i + 1, selfClosing: html[i - 1] === "/" };
    }
  }
  return { end: html.length, selfClosing: false };
}

/** Index of the end of a `<!-- -->`, `<!…>` or `<?…>` construct starting at `at`. */
function endOfMarkupDeclaration(html: string, at: number): number {
  if (html.startsWith("<!--", at)) {
    const close = html.indexOf("-->", at + 4);
    return close === -1 ? html.length : close + 3;
  }
  if (html.startsWith("<![CDATA[", at)) {
    const close = html.indexOf("]]>", at + 9);
    return close === -1 ? html.length : close + 3;
  }
  const close = html.indexOf(">", at);
  return close === -1 ? html.length : close + 1;
}

/** Index after the end tag of raw-text element `name` whose content starts at `from`. */
function endOfRawText(html: string, name: string, from: number): number {
  const closing = new RegExp(`</${name}[\\s/>]`, "ig");
  closing.lastIndex = from;
  const match = closing.exec(html);
  if (match === null) return html.length;
  const close = html.indexOf(">", match.index);
  return close === -1 ? html.length : close + 1;
}

/**
 * Why `html` is beyond `limits` (a sentence for a warning or an error), or undefined when a parser
 * may have it. Stops at the first limit passed: the cost is linear in the string at worst.
 */
export function markupProblem(html: string, limits: MarkupLimits): string | undefined {
  const open: string[] = [];
  let foreign = 0;
  let elements = 0;
  let at = html.indexOf("<");
  while (at !== -1 && at < html.length) {
    const next = html[at + 1];
    if (next === "!" || next === "?") {
      at = html.indexOf("<", endOfMarkupDeclaration(html, at));
      continue;
    }
    const closing = next === "/";
    TAG_NAME.lastIndex = closing ? at + 2 : at + 1;
    const match = TAG_NAME.exec(html);
    if (match === null) {
      at = html.indexOf("<", at + 1);
      continue;
    }
    const name = match[0].toLowerCase();
    const { end, selfClosing } = endOfTag(html, TAG_NAME.lastIndex);
    if (closing) {
      const index = open.lastIndexOf(name);
      if (index !== -1) {
        for (let i = open.length - 1; i >= index; i--) if (open[i] === "svg" || open[i] === "math") foreign--;
        open.length = index;
      }
      at = html.indexOf("<", end);
      continue;
    }
    elements++;
    if (elements > limits.maxElements) return `more than ${limits.maxElements} elements`;
    while (open.length > 0 && closedBy(open[open.length - 1] ?? "", name)) open.pop();
    let resume = end;
    if (RAW_TEXT_ELEMENTS.has(name) && foreign === 0) {
      resume = selfClosing ? end : endOfRawText(html, name, end);
    } else if (!VOID_ELEMENTS.has(name) && !(selfClosing && foreign > 0)) {
      // In HTML `<div/>` opens a div; only inside svg/math does `/>` close the element.
      open.push(name);
      if (name === "svg" || name === "math") foreign++;
      if (open.length > limits.maxDepth) return `elements nested more than ${limits.maxDepth} deep`;
    }
    at = html.indexOf("<", resume);
  }
  return undefined;
}

/** Throws a MarkupLimitError naming `what` when `html` is beyond `limits`. */
export function assertWithinMarkupLimits(html: string, limits: MarkupLimits, what: string): void {
  const problem = markupProblem(html, limits);
  if (problem !== undefined) throw new MarkupLimitError(`markup: ${what} refused before parsing: ${problem}`);
}
