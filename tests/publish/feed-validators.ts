/**
 * Whole-document feed checkers: each returns every problem it finds as "path: message", and an
 * empty list means valid. They encode the rules of the W3C Feed Validation Service (RSS 2.0 with
 * the RSS Advisory Board profile, Atom per RFC 4287) and strict JSON Feed 1.1, plus the
 * project's own promises (no leaked "undefined", no unsafe HTML, absolute URLs), so a test can
 * assert `toEqual([])` on any document this service publishes, however hostile its upstream.
 * Where a rule is a W3C warning rather than an error (HTML in a title, relative references in
 * content, script in content) it is a problem here too: we publish, so we aim for zero warnings.
 */
import { XMLValidator } from "fast-xml-parser";
import { ATOM_NS, LEAKED_VALUES, RFC3339, attr, children, parseXml, text, type XNode } from "./feed-rules.js";
import { validateJsonFeed } from "./json-feed-validator.js";

export interface FeedCheckOptions {
  /** The URL the document is served at: rel=self / feed_url must name it exactly. */
  readonly selfUrl: string;
}

type Report = (path: string, message: string) => void;
type Scope = ReadonlyMap<string, string>;

const CONTENT_NS = "http://purl.org/rss/1.0/modules/content/";
const XML_NS = "http://www.w3.org/XML/1998/namespace";

/** XML 1.0 §2.2 `Char` excludes these: C0 controls but tab/LF/CR, U+FFFE/U+FFFF, lone surrogates. */
const XML_ILLEGAL =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Without a DTD only the five predefined entities exist (XML 1.0 §4.6). */
const PREDEFINED_ENTITIES = new Set(["amp", "lt", "gt", "quot", "apos"]);

/** RFC 6838 §4.2 type/subtype, parameters allowed. */
const MIME_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*(\s*;.*)?$/i;

/** RSS 2.0 `<author>`, managingEditor, webMaster: "email" or "email (name)" (W3C validator). */
const RSS_EMAIL = /^[\w.+='-]+@[\w-]+(\.[\w-]+)*\.[A-Za-z]{2,}( \(.+\))?$/;
/** RFC 4287 §3.2.3: an addr-spec (RFC 2822), read as the W3C validator does. */
const ADDR_SPEC = /^[\w.+='-]+@[\w-]+(\.[\w-]+)*\.[A-Za-z]{2,}$/;

/** BCP 47 (RFC 5646 §2.1) loosely: "en", "pt-BR", "zh-Hant-TW"; the first group is the primary language subtag. */
const LANGUAGE_TAG = /^([A-Za-z]{2,3})(-[A-Za-z0-9]{1,8})*$/;
/**
 * The two-letter codes the W3C validator's iso639codes.py knows (ISO 639-1): RSS `<language>` and
 * Atom `xml:lang` with any other two-letter primary subtag ("xx") are InvalidLanguage.
 */
const ISO_639_1 = new Set(
  (
    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee el " +
    "en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja " +
    "jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mo mr ms mt my na nb " +
    "nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg sh si sk sl sm sn so sq " +
    "sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu"
  ).split(" "),
);

/** A language tag the W3C validator accepts in RSS `<language>` and Atom `xml:lang`. */
function isLanguageTag(value: string): boolean {
  const primary = LANGUAGE_TAG.exec(value)?.[1]?.toLowerCase();
  return primary !== undefined && (primary.length === 3 || ISO_639_1.has(primary));
}

/** Element names the W3C validator recognizes as HTML when they turn up in plain text. */
const HTML_ELEMENTS = new Set(
  (
    "a abbr acronym address applet area article aside audio b base basefont bdi bdo big blink blockquote body br " +
    "button canvas caption center cite code col colgroup data datalist dd del details dfn dialog dir div dl dt em " +
    "embed fieldset figcaption figure font footer form frame frameset h1 h2 h3 h4 h5 h6 head header hr html i " +
    "iframe img input ins kbd label legend li link main map mark marquee menu meta meter nav noscript object ol " +
    "optgroup option output p param picture pre progress q rp rt ruby s samp script section select small source " +
    "span strike strong style sub summary sup svg table tbody td template textarea tfoot th thead time title tr " +
    "track tt u ul var video wbr"
  ).split(" "),
);

/** Markup the W3C validator calls a security risk in HTML content, and we never publish. */
const UNSAFE_HTML: ReadonlyArray<readonly [RegExp, string]> = [
  [/<(script|iframe|frame|frameset|object|embed|applet|meta|base|link|form|style)\b/i, "an unsafe element"],
  [/<[^>]*\son[a-z]+\s*=/i, "an event handler attribute"],
  [
    /(href|src|action|poster|cite|srcset|formaction)\s*=\s*["']?\s*(javascript|vbscript|data):/i,
    "a script or data URL",
  ],
];

/** Attributes in HTML content whose value is one URL reference. */
const HTML_URL_ATTRIBUTE = /\s(href|src|poster|cite)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi;

// ---- RSS 2.0 -------------------------------------------------------------------------------

/** RSS 2.0 (rssboard.org/rss-specification) with the RSS Advisory Board profile, W3C validator rules. */
export function rssProblems(xml: string, opts: FeedCheckOptions): string[] {
  const { problems, report } = collector();
  const doc = checkXmlDocument(xml, report);
  if (doc === undefined) return problems;
  const rss = children(doc, "rss")[0];
  if (rss === undefined) {
    report("/", "the root element must be <rss>");
    return problems;
  }
  if (attr(rss, "version") !== "2.0")
    report("rss", `version must be "2.0", got ${JSON.stringify(attr(rss, "version"))}`);
  const channels = children(rss, "channel");
  const channel = channels[0];
  if (channels.length !== 1 || channel === undefined) {
    report("rss", `needs exactly one <channel>, found ${channels.length}`);
    return problems;
  }
  const scope = extendScope(extendScope(new Map(), rss), channel);
  checkRssChannel(channel, scope, opts, report);
  const guids = new Map<string, number>();
  children(channel, "item").forEach((item, index) => {
    const path = `rss/channel/item[${index + 1}]`;
    checkRssItem(item, path, scope, report);
    const guid = children(item, "guid")[0];
    if (guid === undefined) return;
    const earlier = guids.get(text(guid));
    if (earlier !== undefined)
      report(`${path}/guid`, `duplicates the guid of item[${earlier}] ${JSON.stringify(text(guid))}`);
    else guids.set(text(guid), index + 1);
  });
  return problems;
}

const CHANNEL_SINGLETONS = [
  "language",
  "copyright",
  "managingEditor",
  "webMaster",
  "pubDate",
  "lastBuildDate",
  "docs",
  "generator",
  "ttl",
  "image",
  "cloud",
  "rating",
  "textInput",
  "skipHours",
  "skipDays",
];

function checkRssChannel(channel: XNode, scope: Scope, opts: FeedCheckOptions, report: Report): void {
  const path = "rss/channel";
  for (const name of ["title", "link", "description"]) requireOneNonEmpty(channel, name, path, report);
  for (const name of CHANNEL_SINGLETONS) atMostOne(channel, name, path, report);
  const title = children(channel, "title")[0];
  if (title !== undefined) checkPlainText(text(title), `${path}/title`, report);
  const link = children(channel, "link")[0];
  if (link !== undefined) checkHttpUrl(text(link), `${path}/link`, report);
  for (const name of ["language"]) {
    for (const node of children(channel, name))
      if (!isLanguageTag(text(node))) report(`${path}/${name}`, `${JSON.stringify(text(node))} is not a language tag`);
  }
  for (const name of ["pubDate", "lastBuildDate"]) checkDates(channel, name, path, rfc822Problem, report);
  for (const name of ["managingEditor", "webMaster"]) checkRssEmails(channel, name, path, report);
  for (const ttl of children(channel, "ttl")) {
    if (!/^\d+$/.test(text(ttl)))
      report(`${path}/ttl`, `must be a whole number of minutes, got ${JSON.stringify(text(ttl))}`);
  }
  checkRssCategories(channel, path, report);
  for (const image of children(channel, "image")) {
    for (const name of ["url", "title", "link"]) requireOneNonEmpty(image, name, `${path}/image`, report);
    for (const name of ["url", "link"])
      for (const node of children(image, name)) checkHttpUrl(text(node), `${path}/image/${name}`, report);
  }
  checkRssAtomLinks(channel, scope, opts, report);
}

/** atom:link in RSS (RSS Advisory Board profile): in the Atom namespace, rel=self naming this document. */
function checkRssAtomLinks(channel: XNode, scope: Scope, opts: FeedCheckOptions, report: Report): void {
  const path = "rss/channel";
  const atomLinks: XNode[] = [];
  for (const [name, nodes] of elementEntries(channel)) {
    const prefix = /^([^:]+):link$/.exec(name)?.[1];
    if (prefix === undefined) continue;
    const namespace = extendScope(scope, nodes[0] ?? {}).get(prefix);
    if (namespace === ATOM_NS) atomLinks.push(...nodes);
    else
      report(
        `${path}/${name}`,
        `the ${prefix}: prefix must be bound to the Atom namespace ${ATOM_NS}, is ${JSON.stringify(namespace)}`,
      );
  }
  for (const [index, link] of atomLinks.entries()) {
    const at = `${path}/atom:link[${index + 1}]`;
    if (!attr(link, "rel")) report(at, "needs a rel");
    checkHttpUrl(attr(link, "href"), `${at}/@href`, report);
    const type = attr(link, "type");
    if (type !== undefined && !MIME_TYPE.test(type))
      report(`${at}/@type`, `${JSON.stringify(type)} is not a MIME type`);
  }
  const self = atomLinks.filter((link) => attr(link, "rel") === "self");
  if (self.length === 0) return report(path, 'needs an atom:link rel="self" naming the feed\'s own URL');
  if (self.length > 1) report(path, `has ${self.length} atom:link rel="self"; one is allowed`);
  const first = self[0] as XNode;
  if (attr(first, "href") !== opts.selfUrl)
    report(
      `${path}/atom:link[@rel=self]`,
      `href ${JSON.stringify(attr(first, "href"))} is not the document's URL ${JSON.stringify(opts.selfUrl)}`,
    );
  const type = attr(first, "type");
  if (type === undefined) report(`${path}/atom:link[@rel=self]`, 'needs type="application/rss+xml"');
  else if (type !== "application/rss+xml")
    report(`${path}/atom:link[@rel=self]`, `type should be application/rss+xml, got ${JSON.stringify(type)}`);
}

const ITEM_SINGLETONS = ["title", "link", "description", "author", "comments", "guid", "pubDate", "source"];

function checkRssItem(item: XNode, path: string, scope: Scope, report: Report): void {
  const itemScope = extendScope(scope, item);
  for (const name of ITEM_SINGLETONS) atMostOne(item, name, path, report);
  const title = children(item, "title")[0];
  const description = children(item, "description")[0];
  if (
    (title === undefined || text(title).trim() === "") &&
    (description === undefined || text(description).trim() === "")
  ) {
    report(path, "needs a title or a description");
  }
  if (title !== undefined) checkPlainText(text(title), `${path}/title`, report);
  if (description !== undefined) checkHtml(text(description), `${path}/description`, report);
  for (const [name, nodes] of elementEntries(item)) {
    const [prefix, local] = name.split(":");
    if (local === "encoded" && prefix !== undefined && itemScope.get(prefix) === CONTENT_NS) {
      for (const node of nodes) checkHtml(text(node), `${path}/${name}`, report);
    }
  }
  for (const link of children(item, "link")) checkHttpUrl(text(link), `${path}/link`, report);
  for (const comments of children(item, "comments")) checkHttpUrl(text(comments), `${path}/comments`, report);
  for (const source of children(item, "source")) checkHttpUrl(attr(source, "url"), `${path}/source/@url`, report);
  checkRssEmails(item, "author", path, report);
  checkRssCategories(item, path, report);
  checkEnclosures(item, path, report);
  checkGuid(item, path, report);
  checkDates(item, "pubDate", path, rfc822Problem, report);
}

function checkEnclosures(item: XNode, path: string, report: Report): void {
  const enclosures = children(item, "enclosure");
  // The W3C validator warns on several: most readers only take the first.
  if (enclosures.length > 1) report(path, `has ${enclosures.length} enclosures; readers take one`);
  for (const enclosure of enclosures) {
    const at = `${path}/enclosure`;
    checkHttpUrl(attr(enclosure, "url"), `${at}/@url`, report);
    const length = attr(enclosure, "length");
    if (length === undefined || !/^\d+$/.test(length))
      report(`${at}/@length`, `is required and must be a whole number of bytes, got ${JSON.stringify(length)}`);
    const type = attr(enclosure, "type");
    if (type === undefined || !MIME_TYPE.test(type))
      report(`${at}/@type`, `is required and must be a MIME type, got ${JSON.stringify(type)}`);
  }
}

/** RSS 2.0 §guid: isPermaLink defaults to true, and then the guid must be the item's full URL. */
function checkGuid(item: XNode, path: string, report: Report): void {
  for (const guid of children(item, "guid")) {
    const value = text(guid);
    if (value.trim() === "") report(`${path}/guid`, "must not be empty");
    const permaLink = attr(guid, "isPermaLink");
    if (permaLink !== undefined && permaLink !== "true" && permaLink !== "false") {
      report(`${path}/guid/@isPermaLink`, `must be "true" or "false", got ${JSON.stringify(permaLink)}`);
    }
    if (permaLink !== "false" && httpUrlProblem(value) !== undefined) {
      report(
        `${path}/guid`,
        `${JSON.stringify(value)} is a permalink (isPermaLink ${permaLink === undefined ? "defaults to" : "is"} true) but not an absolute http(s) URL`,
      );
    }
  }
}

function checkRssEmails(node: XNode, name: string, path: string, report: Report): void {
  for (const found of children(node, name)) {
    if (!RSS_EMAIL.test(text(found)))
      report(
        `${path}/${name}`,
        `${JSON.stringify(text(found))} must be an email address, optionally followed by " (name)"`,
      );
  }
}

function checkRssCategories(node: XNode, path: string, report: Report): void {
  for (const category of children(node, "category")) {
    if (text(category).trim() === "") report(`${path}/category`, "must not be empty");
  }
}

// ---- Atom 1.0 ------------------------------------------------------------------------------

/** RFC 4287, as the W3C validator reads it. */
export function atomProblems(xml: string, opts: FeedCheckOptions): string[] {
  const { problems, report } = collector();
  const doc = checkXmlDocument(xml, report);
  if (doc === undefined) return problems;
  const rootName = elementEntries(doc)[0]?.[0] ?? "";
  const feed = children(doc, rootName)[0];
  const [prefix, local] = rootName.includes(":") ? rootName.split(":") : ["", rootName];
  const scope = feed === undefined ? new Map<string, string>() : extendScope(new Map(), feed);
  if (feed === undefined || local !== "feed" || scope.get(prefix ?? "") !== ATOM_NS) {
    report("/", `the root element must be <feed> in the Atom namespace ${ATOM_NS}`);
    return problems;
  }
  const q = (name: string): string => (prefix ? `${prefix}:${name}` : name);
  checkXmlLangs(feed, "feed", report);
  const feedAuthors = children(feed, q("author"));
  checkAtomContainer(feed, "feed", q, report);
  for (const name of ["subtitle", "rights", "generator", "icon", "logo"]) atMostOne(feed, q(name), "feed", report);
  const self = children(feed, q("link")).filter((link) => attr(link, "rel") === "self");
  if (self.length === 0) report("feed", 'needs a link rel="self" naming the feed\'s own URL');
  else if (attr(self[0] as XNode, "href") !== opts.selfUrl) {
    report(
      "feed/link[@rel=self]",
      `href ${JSON.stringify(attr(self[0] as XNode, "href"))} is not the document's URL ${JSON.stringify(opts.selfUrl)}`,
    );
  }
  for (const name of ["icon", "logo"])
    for (const node of children(feed, q(name))) checkHttpUrl(text(node), `feed/${name}`, report);
  const ids = new Map<string, number>();
  children(feed, q("entry")).forEach((entry, index) => {
    const path = `feed/entry[${index + 1}]`;
    checkAtomEntry(entry, path, q, feedAuthors.length > 0, report);
    const id = children(entry, q("id"))[0];
    if (id === undefined) return;
    const earlier = ids.get(text(id));
    if (earlier !== undefined)
      report(`${path}/id`, `duplicates the id of entry[${earlier}] ${JSON.stringify(text(id))}`);
    else ids.set(text(id), index + 1);
  });
  return problems;
}

/** Every `xml:lang` in the tree (XML 1.0 §2.12: a BCP 47 tag, or empty to say "unknown"), as the W3C validator checks it. */
function checkXmlLangs(node: XNode, path: string, report: Report): void {
  const lang = attr(node, "xml:lang");
  if (lang !== undefined && lang !== "" && !isLanguageTag(lang))
    report(`${path}/@xml:lang`, `${JSON.stringify(lang)} is not a language tag`);
  for (const [name, nodes] of elementEntries(node))
    nodes.forEach((child, index) => checkXmlLangs(child, `${path}/${name}[${index + 1}]`, report));
}

/** What atom:feed and atom:entry share: id, title, updated, authors, links, categories. */
function checkAtomContainer(node: XNode, path: string, q: (name: string) => string, report: Report): void {
  const id = requireOneNonEmpty(node, q("id"), path, report);
  if (id !== undefined && !isAbsoluteIri(text(id)))
    report(`${path}/id`, `${JSON.stringify(text(id))} is not an absolute IRI (RFC 4287 §4.2.6)`);
  const title = requireOne(node, q("title"), path, report);
  if (title !== undefined) checkTextConstruct(title, `${path}/title`, report, { plain: true });
  for (const name of ["subtitle", "rights", "summary"]) {
    for (const construct of children(node, q(name)))
      checkTextConstruct(construct, `${path}/${name}`, report, { plain: false });
  }
  requireOne(node, q("updated"), path, report);
  checkDates(node, q("updated"), path, rfc3339Problem, report);
  checkDates(node, q("published"), path, rfc3339Problem, report);
  for (const author of children(node, q("author"))) checkPerson(author, `${path}/author`, q, report);
  for (const contributor of children(node, q("contributor")))
    checkPerson(contributor, `${path}/contributor`, q, report);
  for (const category of children(node, q("category"))) {
    if ((attr(category, "term") ?? "").trim() === "")
      report(`${path}/category`, "needs a non-empty term (RFC 4287 §4.2.2.1)");
    const scheme = attr(category, "scheme");
    if (scheme !== undefined && !isAbsoluteIri(scheme))
      report(`${path}/category/@scheme`, `${JSON.stringify(scheme)} is not an absolute IRI`);
  }
  checkAtomLinks(node, path, q, report);
}

function checkAtomEntry(
  entry: XNode,
  path: string,
  q: (name: string) => string,
  feedHasAuthor: boolean,
  report: Report,
): void {
  checkAtomContainer(entry, path, q, report);
  for (const name of ["published", "content", "summary", "rights", "source"]) atMostOne(entry, q(name), path, report);
  const sourceAuthors = children(entry, q("source")).flatMap((source) => children(source, q("author")));
  if (!feedHasAuthor && children(entry, q("author")).length === 0 && sourceAuthors.length === 0) {
    report(path, "needs an author: the feed has none (RFC 4287 §4.1.1)");
  }
  const content = children(entry, q("content"))[0];
  if (content !== undefined) checkContent(content, `${path}/content`, report);
  const hasAlternate = children(entry, q("link")).some((link) => (attr(link, "rel") ?? "alternate") === "alternate");
  if (content === undefined && !hasAlternate)
    report(path, 'needs a link rel="alternate" or a content (RFC 4287 §4.1.1)');
  if (content !== undefined && needsSummary(content) && children(entry, q("summary")).length === 0) {
    report(path, "needs a summary: its content is remote or not text (RFC 4287 §4.1.1.2)");
  }
}

/** RFC 4287 §3.1: text, html or xhtml, and what each type promises about its body. */
function checkTextConstruct(node: XNode, path: string, report: Report, options: { readonly plain: boolean }): void {
  const type = attr(node, "type") ?? "text";
  if (type === "text") {
    if (options.plain) checkPlainText(text(node), path, report);
  } else if (type === "html") {
    checkHtml(text(node), path, report);
  } else if (type === "xhtml") {
    const divs = elementEntries(node).filter(([name]) => name === "div" || name.endsWith(":div"));
    if (divs.length !== 1 || divs[0]?.[1].length !== 1)
      report(path, 'type="xhtml" needs exactly one xhtml:div child (RFC 4287 §3.1.1.3)');
  } else {
    report(`${path}/@type`, `must be text, html or xhtml, got ${JSON.stringify(type)}`);
  }
}

/** RFC 4287 §4.1.3: a text construct, any MIME type, or remote (src) content with an empty body. */
function checkContent(content: XNode, path: string, report: Report): void {
  const type = attr(content, "type") ?? "text";
  const src = attr(content, "src");
  if (src !== undefined) {
    checkHttpUrl(src, `${path}/@src`, report);
    if (text(content).trim() !== "" || elementEntries(content).length > 0)
      report(path, "with src must be empty (RFC 4287 §4.1.3.2)");
    if (["text", "html", "xhtml"].includes(type))
      report(`${path}/@type`, "with src must be a MIME type, if present (RFC 4287 §4.1.3.1)");
    return;
  }
  if (["text", "html", "xhtml"].includes(type)) return checkTextConstruct(content, path, report, { plain: false });
  if (!MIME_TYPE.test(type))
    report(`${path}/@type`, `must be text, html, xhtml or a MIME type, got ${JSON.stringify(type)}`);
}

function needsSummary(content: XNode): boolean {
  const type = attr(content, "type") ?? "text";
  if (attr(content, "src") !== undefined) return true;
  if (["text", "html", "xhtml"].includes(type) || !MIME_TYPE.test(type)) return false;
  return !/^text\//i.test(type) && !/[/+]xml(\s*;.*)?$/i.test(type);
}

/** RFC 4287 §3.2: exactly one name; at most one uri (an IRI) and one email (an addr-spec). */
function checkPerson(person: XNode, path: string, q: (name: string) => string, report: Report): void {
  requireOneNonEmpty(person, q("name"), path, report);
  atMostOne(person, q("uri"), path, report);
  atMostOne(person, q("email"), path, report);
  for (const uri of children(person, q("uri"))) checkHttpUrl(text(uri), `${path}/uri`, report);
  for (const email of children(person, q("email"))) {
    if (!ADDR_SPEC.test(text(email))) report(`${path}/email`, `${JSON.stringify(text(email))} is not an email address`);
  }
}

/** RFC 4287 §4.2.7: href required; we publish only absolute http(s) ones; one alternate per type+hreflang. */
function checkAtomLinks(node: XNode, path: string, q: (name: string) => string, report: Report): void {
  const alternates = new Set<string>();
  for (const link of children(node, q("link"))) {
    const rel = attr(link, "rel") ?? "alternate";
    const at = `${path}/link[@rel=${rel}]`;
    checkHttpUrl(attr(link, "href"), `${at}/@href`, report);
    if (rel.trim() === "") report(at, "rel must not be empty");
    const type = attr(link, "type");
    if (type !== undefined && !MIME_TYPE.test(type))
      report(`${at}/@type`, `${JSON.stringify(type)} is not a MIME type`);
    const length = attr(link, "length");
    if (length !== undefined && !/^\d+$/.test(length))
      report(`${at}/@length`, `must be a whole number of bytes, got ${JSON.stringify(length)}`);
    if (rel !== "alternate") continue;
    const key = `${type ?? ""}\n${attr(link, "hreflang") ?? ""}`;
    if (alternates.has(key)) report(at, "repeats an alternate link with the same type and hreflang (RFC 4287 §4.1.1)");
    alternates.add(key);
  }
}

// ---- JSON Feed 1.1 -------------------------------------------------------------------------

/** Strict JSON Feed 1.1 (json-feed-validator.ts) plus feed_url naming this document and clean strings. */
export function jsonFeedProblems(json: string, opts: FeedCheckOptions): string[] {
  let document: unknown;
  try {
    document = JSON.parse(json);
  } catch (error) {
    return [`$: not JSON: ${error instanceof Error ? error.message : String(error)}`];
  }
  const { problems, report } = collector();
  problems.push(...validateJsonFeed(document));
  if (!isRecord(document)) return problems;
  if (document.feed_url !== opts.selfUrl) {
    report(
      "$.feed_url",
      `${JSON.stringify(document.feed_url)} is not the document's URL ${JSON.stringify(opts.selfUrl)}`,
    );
  }
  walkJsonStrings(document, "$", (value, path) => checkValue(value, path, report));
  const items = Array.isArray(document.items) ? (document.items as unknown[]) : [];
  items.forEach((item, index) => {
    if (!isRecord(item)) return;
    const path = `$.items[${index}]`;
    if (typeof item.title === "string") checkPlainText(item.title, `${path}.title`, report);
    if (typeof item.content_html === "string") checkHtml(item.content_html, `${path}.content_html`, report);
  });
  return problems;
}

function walkJsonStrings(value: unknown, path: string, visit: (value: string, path: string) => void): void {
  if (typeof value === "string") visit(value, path);
  else if (Array.isArray(value))
    value.forEach((entry: unknown, index) => walkJsonStrings(entry, `${path}[${index}]`, visit));
  else if (isRecord(value))
    for (const [key, entry] of Object.entries(value)) walkJsonStrings(entry, `${path}.${key}`, visit);
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// ---- XML document level --------------------------------------------------------------------

/**
 * XML 1.0 well-formedness beyond what fast-xml-parser's validator checks (one root element, legal
 * characters, only the predefined entities, character references to legal characters) and
 * Namespaces in XML 1.0 (every prefix declared). Returns the parsed document when it is usable.
 */
function checkXmlDocument(xml: string, report: Report): XNode | undefined {
  const verdict = XMLValidator.validate(xml);
  if (verdict !== true) {
    report(`line ${verdict.err.line}:${verdict.err.col}`, `not well-formed XML: ${verdict.err.msg}`);
    return undefined;
  }
  for (const match of xml.matchAll(XML_ILLEGAL)) {
    report(`offset ${match.index}`, `${codePoints(match[0])} is not allowed in XML 1.0 (§2.2 Char)`);
  }
  if (/<!DOCTYPE/i.test(xml)) report("/", "a published feed carries no DOCTYPE: readers do not load DTDs");
  checkReferences(xml, report);
  const doc = parseXml(xml);
  const declaration = children(doc, "?xml")[0];
  if (declaration !== undefined) {
    if (attr(declaration, "version") !== "1.0")
      report("/?xml", `version must be 1.0, got ${JSON.stringify(attr(declaration, "version"))}`);
    const encoding = attr(declaration, "encoding");
    if (encoding !== undefined && encoding.toLowerCase() !== "utf-8")
      report("/?xml", `encoding is ${encoding}; we serve UTF-8`);
  }
  const roots = elementEntries(doc).flatMap(([name, nodes]) => nodes.map(() => name));
  if (roots.length !== 1) {
    report("/", `a document has exactly one root element, found ${roots.length} (${roots.join(", ")})`);
    return undefined;
  }
  const [rootName, rootNodes] = elementEntries(doc)[0] as [string, XNode[]];
  checkElementTree(rootName, rootNodes[0] as XNode, new Map([["xml", XML_NS]]), rootName, report);
  return doc;
}

/** XML 1.0 §4.1 (WFC: Legal Character, Entity Declared): outside CDATA and comments. */
function checkReferences(xml: string, report: Report): void {
  const markup = xml.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, "").replace(/<!--[\s\S]*?-->/g, "");
  for (const match of markup.matchAll(/&(#[xX][0-9a-fA-F]+|#[0-9]+|[A-Za-z_][\w.-]*);/g)) {
    const name = match[1] ?? "";
    if (!name.startsWith("#")) {
      if (!PREDEFINED_ENTITIES.has(name))
        report(`offset ${match.index}`, `&${name}; is not declared (only amp, lt, gt, quot, apos exist without a DTD)`);
      continue;
    }
    const code =
      name[1] === "x" || name[1] === "X" ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
    const char = code <= 0x10ffff ? String.fromCodePoint(code) : "\uFFFF";
    if (code === 0 || new RegExp(XML_ILLEGAL.source).test(char) || (code >= 0xd800 && code <= 0xdfff)) {
      report(`offset ${match.index}`, `${match[0]} refers to a character XML 1.0 does not allow`);
    }
  }
}

/** Namespace prefixes in scope, leaked placeholder values, per element, recursively. */
function checkElementTree(name: string, node: XNode, scope: Scope, path: string, report: Report): void {
  const inScope = extendScope(scope, node);
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith("@_xmlns:") && value === "")
      report(`${path}/@${key.slice(2)}`, "a prefix cannot be bound to the empty namespace");
  }
  const prefix = name.includes(":") ? name.split(":")[0] : undefined;
  if (prefix !== undefined && !inScope.has(prefix)) report(path, `the ${prefix}: prefix is not declared`);
  for (const [key, value] of Object.entries(node)) {
    if (!key.startsWith("@_")) continue;
    const attribute = key.slice(2);
    const attributePrefix = attribute.includes(":") ? attribute.split(":")[0] : undefined;
    if (attributePrefix !== undefined && attributePrefix !== "xmlns" && !inScope.has(attributePrefix)) {
      report(`${path}/@${attribute}`, `the ${attributePrefix}: prefix is not declared`);
    }
    if (typeof value === "string") checkValue(value, `${path}/@${attribute}`, report);
  }
  checkValue(text(node), path, report);
  for (const [childName, nodes] of elementEntries(node)) {
    nodes.forEach((child, index) =>
      checkElementTree(
        childName,
        child,
        inScope,
        `${path}/${childName}${nodes.length > 1 ? `[${index + 1}]` : ""}`,
        report,
      ),
    );
  }
}

/** Every string we publish: no placeholder a missing value leaked, no character readers reject. */
function checkValue(value: string, path: string, report: Report): void {
  const leaked = LEAKED_VALUES.exec(value);
  if (leaked !== null) report(path, `leaks ${JSON.stringify(leaked[0])} in ${JSON.stringify(clip(value))}`);
  const illegal = value.match(XML_ILLEGAL);
  if (illegal !== null)
    report(path, `holds ${codePoints(illegal.join(""))}, not allowed in XML 1.0 and never meant as text`);
}

/** Namespace declarations on `node` added to the enclosing scope ("" is the default namespace). */
function extendScope(scope: Scope, node: XNode): Scope {
  const declared = Object.entries(node).filter(([key]) => key === "@_xmlns" || key.startsWith("@_xmlns:"));
  if (declared.length === 0) return scope;
  const out = new Map(scope);
  for (const [key, value] of declared)
    if (typeof value === "string") out.set(key === "@_xmlns" ? "" : key.slice("@_xmlns:".length), value);
  return out;
}

/** Child elements as [qualified name, nodes], in document order of first appearance. */
function elementEntries(node: XNode): Array<[string, XNode[]]> {
  return Object.keys(node)
    .filter((key) => !key.startsWith("@_") && !key.startsWith("#") && !key.startsWith("?"))
    .map((key) => [key, children(node, key)]);
}

// ---- shared rules --------------------------------------------------------------------------

function collector(): { problems: string[]; report: Report } {
  const problems: string[] = [];
  return { problems, report: (path, message) => problems.push(`${path}: ${message}`) };
}

function requireOne(node: XNode, name: string, path: string, report: Report): XNode | undefined {
  const found = children(node, name);
  if (found.length !== 1) report(path, `needs exactly one <${name}>, found ${found.length}`);
  return found[0];
}

function requireOneNonEmpty(node: XNode, name: string, path: string, report: Report): XNode | undefined {
  const found = requireOne(node, name, path, report);
  if (found !== undefined && text(found).trim() === "") report(`${path}/${name}`, "must not be empty");
  return found;
}

function atMostOne(node: XNode, name: string, path: string, report: Report): void {
  const count = children(node, name).length;
  if (count > 1) report(path, `has ${count} <${name}>; at most one is allowed`);
}

function checkDates(
  node: XNode,
  name: string,
  path: string,
  problemOf: (value: string) => string | undefined,
  report: Report,
): void {
  for (const date of children(node, name)) {
    const problem = problemOf(text(date));
    if (problem !== undefined) report(`${path}/${name}`, problem);
  }
}

function httpUrlProblem(value: string | undefined): string | undefined {
  if (value === undefined || value === "") return "is missing";
  if (/\s/.test(value)) return `${JSON.stringify(value)} contains whitespace`;
  if (!/^https?:\/\/[^/?#\s]/i.test(value) || !URL.canParse(value))
    return `${JSON.stringify(value)} is not an absolute http(s) URL`;
  return undefined;
}

function checkHttpUrl(value: string | undefined, path: string, report: Report): void {
  const problem = httpUrlProblem(value);
  if (problem !== undefined) report(path, problem);
}

/** RFC 3987 absolute IRI: a scheme, then no whitespace (RFC 4287 §4.2.6 ids, §4.2.2.2 schemes). */
function isAbsoluteIri(value: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$/.test(value) && URL.canParse(value);
}

/**
 * A title is plain text (RSS Advisory Board profile; RFC 4287 §3.1.1.1): after XML decoding it
 * must hold no HTML tags and no character references, which would show up as markup or as
 * `&amp;` on the reader's screen (decoded once too few, or escaped once too many). A tag is what
 * the W3C validator calls one, the end tag of an HTML element (its nonhtml check), or a start tag
 * of one that is bare or has an attribute value: "Use a<b and c>d" is text, "<b>Use</b>" is not.
 */
function checkPlainText(value: string, path: string, report: Report): void {
  for (const tag of value.matchAll(/<(\/?)([A-Za-z][A-Za-z0-9]*)(\s[^<>]*)?\/?>/g)) {
    const [found, end, name, attributes] = tag;
    const isTag = end === "/" || attributes === undefined || attributes.trim() === "/" || attributes.includes("=");
    if (isTag && HTML_ELEMENTS.has((name ?? "").toLowerCase()))
      return report(path, `is plain text but holds HTML markup ${JSON.stringify(found)}`);
  }
  const reference = /&(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#[xX][0-9A-Fa-f]+);/.exec(value);
  if (reference !== null)
    report(path, `is plain text but holds the character reference ${JSON.stringify(reference[0])} (escaped twice)`);
}

/** HTML we publish: nothing that runs script, and no relative reference (W3C "ContainsRelRef"). */
function checkHtml(html: string, path: string, report: Report): void {
  for (const [pattern, what] of UNSAFE_HTML) {
    const found = pattern.exec(html);
    if (found !== null) report(path, `holds ${what}: ${JSON.stringify(clip(found[0]))}`);
  }
  for (const match of html.matchAll(HTML_URL_ATTRIBUTE)) {
    const value = (match[2] ?? match[3] ?? match[4] ?? "").trim();
    if (!/^(https?:\/\/|mailto:)/i.test(value))
      report(path, `holds a relative or non-web reference ${match[1]}=${JSON.stringify(clip(value))}`);
  }
  for (const match of html.matchAll(/\ssrcset\s*=\s*(?:"([^"]*)"|'([^']*)')/gi)) {
    for (const candidate of (match[1] ?? match[2] ?? "").split(/,\s+/)) {
      const href = candidate.trim().split(/\s+/)[0] ?? "";
      if (href !== "" && !/^https?:\/\//i.test(href))
        report(path, `holds a relative srcset candidate ${JSON.stringify(href)}`);
    }
  }
}

// ---- dates ---------------------------------------------------------------------------------

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
/** RFC 822 §5.1 zones (military letters aside, which RFC 1123 §5.2.14 calls unreliable). */
const NAMED_ZONES = new Set(["UT", "GMT", "EST", "EDT", "CST", "CDT", "MST", "MDT", "PST", "PDT"]);
const RFC822_SHAPE = /^(?:([A-Za-z]{3}), )?(\d{1,2}) ([A-Za-z]{3}) (\d+) (\d{2}):(\d{2})(?::(\d{2}))? (\S+)$/;

/** RFC 822 §5 date-time with the RSS profile's four-digit year, a real calendar date and a valid zone. */
function rfc822Problem(value: string): string | undefined {
  const match = RFC822_SHAPE.exec(value);
  if (match === null) return `${JSON.stringify(value)} is not an RFC 822 date-time`;
  const [, weekday, day = "", monthName = "", year = "", hour = "", minute = "", second = "00", zone = ""] = match;
  if (year.length !== 4) return `${JSON.stringify(value)} needs a four-digit year`;
  const month = MONTHS.indexOf(monthName);
  if (month < 0) return `${JSON.stringify(value)} has no month ${JSON.stringify(monthName)}`;
  const zoneOk =
    NAMED_ZONES.has(zone) || (/^[+-]\d{4}$/.test(zone) && Number(zone.slice(1, 3)) < 24 && Number(zone.slice(3)) < 60);
  if (!zoneOk) return `${JSON.stringify(value)} has no valid time zone (${JSON.stringify(zone)})`;
  const rangeProblem = calendarProblem(
    Number(year),
    month + 1,
    Number(day),
    Number(hour),
    Number(minute),
    Number(second),
  );
  if (rangeProblem !== undefined) return `${JSON.stringify(value)}: ${rangeProblem}`;
  const actual = WEEKDAYS[new Date(Date.UTC(Number(year), month, Number(day))).getUTCDay()];
  if (weekday !== undefined && weekday !== actual)
    return `${JSON.stringify(value)}: ${weekday} is not the weekday of that date (${actual})`;
  return undefined;
}

/** RFC 3339 §5.6 with upper-case T and Z (RFC 4287 §3.3), as a real calendar date-time. */
function rfc3339Problem(value: string): string | undefined {
  if (!RFC3339.test(value)) return `${JSON.stringify(value)} is not an RFC 3339 date-time`;
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = (value.match(/\d+/g) ?? []).map(Number);
  const offset = /([+-])(\d{2}):(\d{2})$/.exec(value);
  if (offset !== null && (Number(offset[2]) > 23 || Number(offset[3]) > 59))
    return `${JSON.stringify(value)} has an impossible offset`;
  const problem = calendarProblem(year, month, day, hour, minute, second);
  return problem === undefined ? undefined : `${JSON.stringify(value)}: ${problem}`;
}

function calendarProblem(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): string | undefined {
  if (month < 1 || month > 12) return "month out of range";
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth) return "day out of range";
  // Second 60 is a leap second, which both RFC 822 readers and RFC 3339 §5.7 allow.
  if (hour > 23 || minute > 59 || second > 60) return "time out of range";
  return undefined;
}

function codePoints(value: string): string {
  return [...value]
    .map((char) => `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`)
    .join(" ");
}

function clip(value: string): string {
  return value.length > 80 ? `${value.slice(0, 77)}…` : value;
}
