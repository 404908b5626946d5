import Parser from "rss-parser";
import { adaptAtomEntry } from "./adapt-atom.js";
import { adaptRssItem } from "./adapt-rss.js";
import { FeedError } from "./feed-error.js";
import type { FeedFormat, ParsedFeed } from "./parsed-feed.js";
import type { RssParserOutput } from "./wire.js";
import { asString } from "./xml-nodes.js";
import { locateFeedRoot, rootAttribute, stripLeadingJunk, xhtmlConstructsToHtml } from "./xml-prelude.js";
import { closeTruncatedXml } from "./xml-repair.js";

/**
 * RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 through rss-parser. rss-parser maps only a few fields, so the
 * raw xml2js nodes we need ride along as custom fields under `x:<element>`; the adapters read them.
 */

/** Item children the adapters read, kept as raw node arrays (`$` is the item's own attributes). */
const ITEM_ELEMENTS = [
  "$",
  "title",
  "dc:title",
  "link",
  "atom:link",
  "a10:link",
  "feedburner:origLink",
  "guid",
  "id",
  "description",
  "content:encoded",
  "content",
  "summary",
  "itunes:summary",
  "author",
  "dc:creator",
  "itunes:author",
  "category",
  "dc:subject",
  "pubDate",
  "dc:date",
  "dcterms:issued",
  "dcterms:created",
  "dcterms:modified",
  "atom:updated",
  "a10:updated",
  "atom-published",
  "atom-updated",
  "issued",
  "created",
  "modified",
  "enclosure",
  "enc:enclosure",
  "media:content",
  "media:thumbnail",
  "media:group",
  "itunes:image",
  "dc:language",
];

const CUSTOM_ITEM_FIELDS = ITEM_ELEMENTS.map((name) => [name, `x:${name}`, { keepArray: true }]);

/**
 * rss-parser 3.13 runs `new Date(published).toISOString()` on Atom entries, which throws on the
 * first unparseable date and fails the whole feed. Renamed, the elements pass through untouched
 * and our own date parser reads them.
 */
function renameAtomDates(name: string): string {
  return name === "published" ? "atom-published" : name === "updated" ? "atom-updated" : name;
}

/** In loose mode sax upper-cases names; restore the case the specs use. */
const CANONICAL_NAMES: Readonly<Record<string, string>> = {
  pubdate: "pubDate",
  lastbuilddate: "lastBuildDate",
  managingeditor: "managingEditor",
  webmaster: "webMaster",
  skiphours: "skipHours",
  skipdays: "skipDays",
  textinput: "textInput",
  "rdf:rdf": "rdf:RDF",
  "feedburner:origlink": "feedburner:origLink",
  ispermalink: "isPermaLink",
  filesize: "fileSize",
};

function canonicalName(name: string): string {
  const lower = name.toLowerCase();
  return CANONICAL_NAMES[lower] ?? lower;
}

function makeParser(strict: boolean): Parser<Record<string, unknown>, Record<string, unknown>> {
  return new Parser({
    // An <rss> without a version attribute is read as RSS 2.0, its superset.
    defaultRSS: 2,
    customFields: { item: CUSTOM_ITEM_FIELDS },
    xml2js: strict
      ? { strict: true, tagNameProcessors: [renameAtomDates] }
      : {
          strict: false,
          tagNameProcessors: [(name: string) => renameAtomDates(canonicalName(name))],
          attrNameProcessors: [canonicalName],
        },
  });
}

async function runParser(text: string, strict: boolean): Promise<RssParserOutput> {
  const out: unknown = await makeParser(strict).parseString(text);
  if (typeof out !== "object" || out === null || !Array.isArray((out as { items?: unknown }).items)) {
    throw new Error("rss-parser returned no items array");
  }
  return out as RssParserOutput;
}

function describe(err: unknown): string {
  return err instanceof Error
    ? err.message
        .split("\n")
        .map((l) => l.trim())
        .filter(Boolean)
        .join(", ")
    : String(err);
}

/**
 * Strict first: a well-formed feed must read exactly as written. Then, as a browser-grade reader
 * would, a tolerant pass (undeclared entities, stray `&`), then one over a truncated document with
 * its open elements closed. What is recovered is reported as a warning, never silently.
 */
async function parseTolerantly(text: string): Promise<{ out: RssParserOutput; malformed?: string }> {
  let strictError: unknown;
  try {
    return { out: await runParser(text, true) };
  } catch (err) {
    strictError = err;
  }
  const attempts = [text, closeTruncatedXml(text)].filter((t): t is string => t !== undefined);
  for (const attempt of attempts) {
    try {
      return { out: await runParser(attempt, false), malformed: describe(strictError) };
    } catch {
      // Try the next, more invasive repair; the strict error is the one worth reporting.
    }
  }
  throw new FeedError(`feed: malformed XML (${describe(strictError)})`, { cause: strictError });
}

/** An `<rss>` with no `<channel>` is an empty feed; rss-parser would crash on it. */
function isChannelless(text: string, root: string): boolean {
  return root === "rss" && !/<channel[\s>/]/.test(text);
}

export async function parseXmlFeed(document: string): Promise<ParsedFeed> {
  const { text: located, root } = locateFeedRoot(stripLeadingJunk(document));
  const format: FeedFormat = root === "feed" ? "atom" : "rss";
  const rootBase = rootAttribute(located, root, "xml:base");
  const rootLang = rootAttribute(located, root, "xml:lang");
  const common = { format, xmlBase: rootBase === undefined ? [] : [rootBase] };
  if (isChannelless(located, root)) return { ...common, items: [], warnings: [] };

  const { out, malformed } = await parseTolerantly(xhtmlConstructsToHtml(located));
  const adapt = format === "atom" ? adaptAtomEntry : adaptRssItem;
  const title = asString(out.title);
  const homePageUrl = asString(out.link);
  const feedUrl = asString(out.feedUrl);
  const language = asString(out.language) ?? rootLang;
  return {
    ...common,
    items: out.items.map(adapt),
    warnings: malformed === undefined ? [] : [`feed: recovered from malformed XML (${malformed})`],
    ...(malformed !== undefined && { malformed }),
    ...(title !== undefined && { title }),
    ...(homePageUrl !== undefined && { homePageUrl }),
    ...(feedUrl !== undefined && { feedUrl }),
    ...(language !== undefined && { language }),
  };
}
