/**
 * The article links of a homepage or listing page when no `select.link` is configured: headline
 * and card links to article-like URLs of the same site, without navigation, category listings,
 * footer, social or ad links. Pure: (html, pageUrl) → links plus why every other link was left out,
 * so a `discover` command can show its work and propose a `select.link` to pin.
 *
 * The heuristic, in order (markup of the real sites is not known, so nothing depends on a site's
 * own classes):
 * 1. Only web links of the same site count: same host, `www.` ignored, or a subdomain either way
 *    (a page on en.example.org links to example.org); other hosts are social, ads, partners.
 * 2. Links inside chrome are dropped: nav, footer, aside, a site-level header, ARIA landmarks for
 *    those, and elements whose class or id names a menu, nav, footer, social/share bar, ad,
 *    sponsor, cookie banner, breadcrumb or pagination. Chrome repeats on every page and never
 *    carries the page's stories.
 * 3. URLs shaped like listings or files are dropped: category/tag/author/section/search/login/feed
 *    paths, pagination (`/page/2/`, `?page=2`), documents and images.
 * 4. The rest are scored by URL shape, since CMSs mint article URLs that listings lack: a long slug
 *    (three or more words joined by - or _), a date path (/2025/04/03/), or a final numeric or
 *    opaque id (`GMWGWQXSMFXM`); a link in a heading or an `<article>` scores one more, as that is
 *    where cards put the headline.
 * 5. Page structure decides: a listing repeats one URL pattern (`/articles/{slug}/{id}`) across its
 *    cards, so article-like links whose pattern at least two links share are kept; a one-off
 *    pattern is kept only when it is also a headline (a lone "about our newsroom" slug is not).
 * Links are de-duplicated without tracking parameters, in page order.
 */
import { load } from "cheerio";
import type { CheerioAPI } from "cheerio";
import { absoluteUrl, documentBase } from "../document-base.js";
import { readListingLinks, withoutTracking } from "./listing-page.js";

/** Why a link on the page is not an article link. */
export type LinkRejection =
  | "not-web" // mailto:, tel:, javascript:, data:…
  | "other-site"
  | "same-page" // the page itself or the site's home
  | "excluded-region" // nav, footer, social bar, ad…
  | "listing-url" // category, tag, author, pagination, search, login, feed
  | "file" // .pdf, .jpg…
  | "not-article-like" // no long slug, date path or id
  | "one-off" // article-like, but a pattern no other link shares, outside a headline
  | "duplicate"; // the same article as an earlier link

export interface LinkCandidate {
  /** Absolute, fragment and tracking parameters dropped. */
  readonly url: string;
  /** The link's text, whitespace collapsed. */
  readonly text: string;
  /** The URL's path shape, e.g. `/articles/{slug}/{id}`, `/{n}/{n}/{n}/{slug}`. */
  readonly pattern: string;
  /** URL shape score plus one for a headline position; see the module comment. */
  readonly score: number;
  /** Undefined for an article link. */
  readonly rejected?: LinkRejection;
  /** What the rejection matched: the region (`nav`, `.social-links`), the listing segment, the file type. */
  readonly detail?: string;
}

export interface DetectedLinks {
  /** The article links, in page order. */
  readonly links: readonly string[];
  /** Every `<a href>` on the page, in page order, kept or not. */
  readonly candidates: readonly LinkCandidate[];
  /** How many links each rejection reason left out. */
  readonly rejectedCounts: Readonly<Partial<Record<LinkRejection, number>>>;
}

/** Elements that are page chrome by their tag or ARIA role. `header` is handled apart (see isChrome). */
const CHROME_ELEMENTS =
  "nav, footer, aside, [role=navigation], [role=banner], [role=contentinfo], [role=complementary], [role=search]";
/** Class or id words (split on -, _ and spaces) that name chrome; whole words, so "ad" never matches "head". */
const CHROME_WORDS = new Set([
  "menu",
  "megamenu",
  "submenu",
  "nav",
  "navbar",
  "navigation",
  "footer",
  "social",
  "socials",
  "share",
  "sharing",
  "ad",
  "ads",
  "advert",
  "adverts",
  "advertisement",
  "sponsor",
  "sponsored",
  "cookie",
  "cookies",
  "consent",
  "breadcrumb",
  "breadcrumbs",
  "pagination",
  "pager",
]);
/** Path segments that make a URL a listing or a utility page, not a story. */
const LISTING_SEGMENTS = new Set([
  "category",
  "categories",
  "categorie",
  "categoria",
  "tag",
  "tags",
  "topic",
  "topics",
  "author",
  "authors",
  "auteur",
  "section",
  "sections",
  "archive",
  "archives",
  "page",
  "search",
  "recherche",
  "login",
  "signin",
  "sign-in",
  "register",
  "signup",
  "account",
  "subscribe",
  "newsletter",
  "feed",
  "feeds",
  "rss",
  "atom",
  "wp-admin",
  "wp-login.php",
]);
const LISTING_QUERY = new Set(["page", "paged", "s", "q", "search", "query"]);
const FILE_EXTENSION =
  /\.(pdf|jpe?g|png|gif|webp|avif|svg|ico|mp3|mp4|webm|mov|zip|docx?|xlsx?|pptx?|xml|rss|json|css|js)$/i;
const PAGE_EXTENSION = /\.(?:html?|php|aspx?)$/i;
/** An opaque id: 8+ capitals and digits (en.walaw.press: `GMWGWQXSMFXM`), or 10+ letters mixed with digits. */
const OPAQUE_ID = /^(?:[A-Z0-9]{8,}|(?=[a-z0-9]*\d)(?=[a-z0-9]*[a-z])[a-z0-9]{10,})$/i;
const ALL_CAPS_OR_DIGITS = /^[A-Z0-9]+$/;
const HEADLINE = "h1, h2, h3, h4, article";

export function detectArticleLinks(html: string, pageUrl: string): DetectedLinks {
  const $ = load(html);
  const base = documentBase($, pageUrl);
  const page = new URL(pageUrl);
  const candidates: Array<LinkCandidate & { readonly headline: boolean }> = [];
  const wrappers = pageWrappers($);
  anchorsOf($).forEach((anchor) => {
    const text = $(anchor)
      .text()
      .replace(/[\s\u00A0]+/g, " ")
      .trim();
    const href = absoluteUrl($(anchor).attr("href"), base);
    candidates.push({
      ...screen($, anchor, href, page, wrappers),
      text,
      headline: $(anchor).closest(HEADLINE).length > 0 || $(anchor).find(HEADLINE).length > 0,
    });
  });
  const scored = candidates.map((candidate) =>
    candidate.rejected === undefined && candidate.headline ? { ...candidate, score: candidate.score + 1 } : candidate,
  );
  const shared = sharedPatterns(scored);
  const seen = new Set<string>();
  const judged: LinkCandidate[] = scored.map(({ headline, ...candidate }) => {
    if (candidate.rejected !== undefined) return candidate;
    if (candidate.score < 2) return { ...candidate, rejected: "not-article-like" };
    if (!shared.has(candidate.pattern) && !(headline && candidate.score >= 3))
      return { ...candidate, rejected: "one-off" };
    if (seen.has(candidate.url)) return { ...candidate, rejected: "duplicate" };
    seen.add(candidate.url);
    return candidate;
  });
  const rejectedCounts: Partial<Record<LinkRejection, number>> = {};
  for (const { rejected } of judged)
    if (rejected !== undefined) rejectedCounts[rejected] = (rejectedCounts[rejected] ?? 0) + 1;
  return { links: [...seen], candidates: judged, rejectedCounts };
}

const REJECTION_LABELS: Readonly<Record<LinkRejection, string>> = {
  "not-web": "not web links",
  "other-site": "on other sites",
  "same-page": "to this page or home",
  "excluded-region": "in navigation, header, footer, sidebars, share bars or ads",
  "listing-url": "to listings (category, tag, author, date, pagination, search, feed, login)",
  file: "to files",
  "not-article-like": "without an article-like URL",
  "one-off": "one-off URL patterns outside headlines",
  duplicate: "repeats",
};

/** Why links were left out, for messages: "3 on other sites, 10 in navigation, …". */
export function describeRejections(detected: DetectedLinks): string {
  return (Object.keys(REJECTION_LABELS) as LinkRejection[])
    .filter((reason) => (detected.rejectedCounts[reason] ?? 0) > 0)
    .map((reason) => `${detected.rejectedCounts[reason]} ${REJECTION_LABELS[reason]}`)
    .join(", ");
}

type Screened = Omit<LinkCandidate, "text">;

/** Steps 1–4 for one link: a rejection, or the URL's pattern and shape score. */
function screen(
  $: CheerioAPI,
  anchor: Anchor,
  href: string | undefined,
  page: URL,
  wrappers: ReadonlySet<unknown>,
): Screened {
  const none = { url: href ?? "", pattern: "", score: 0 };
  if (href === undefined) return { ...none, rejected: "not-web" };
  const url = new URL(withoutTracking(href));
  url.hash = "";
  const found = { url: url.href, pattern: patternOf(url), score: 0 };
  if (url.protocol !== "http:" && url.protocol !== "https:")
    return { ...found, rejected: "not-web", detail: url.protocol };
  if (!sameSite(url.hostname, page.hostname)) return { ...found, rejected: "other-site", detail: url.hostname };
  if (url.pathname.replace(/\/$/, "") === page.pathname.replace(/\/$/, "") && url.search === page.search)
    return { ...found, rejected: "same-page" };
  if (url.pathname === "/" && url.search === "") return { ...found, rejected: "same-page", detail: "home" };
  const chrome = chromeOf($, anchor, wrappers);
  if (chrome !== undefined) return { ...found, rejected: "excluded-region", detail: chrome };
  const listing = listingMark(url);
  if (listing !== undefined) return { ...found, rejected: "listing-url", detail: listing };
  const file = FILE_EXTENSION.exec(url.pathname)?.[1];
  if (file !== undefined) return { ...found, rejected: "file", detail: file.toLowerCase() };
  return { ...found, score: shapeScore(url) };
}

/** Same host, `www.` aside, or one a subdomain of the other. */
function sameSite(host: string, pageHost: string): boolean {
  const a = host.replace(/^www\./, "");
  const b = pageHost.replace(/^www\./, "");
  return a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`);
}

/**
 * Elements that wrap the page's content rather than a region of it: `html`, `body`, `main` and
 * every ancestor of a `main` or `article`. Their classes describe the whole page (the tagDiv
 * theme's body class `tdc-footer-template`, `mobile-menu-closed`, a wrapper's `has-ads`), so they
 * never make a link chrome (regression: one such class excluded every article link).
 */
function pageWrappers($: CheerioAPI): ReadonlySet<unknown> {
  const wrappers = new Set<unknown>([...$("html, body, main").toArray()]);
  $("main, article").each((_, element) => {
    for (const ancestor of $(element).parents().toArray()) wrappers.add(ancestor);
  });
  return wrappers;
}

/** The chrome element the anchor sits in, named as `nav` or `.social-links`; undefined in content. */
function chromeOf($: CheerioAPI, anchor: Anchor, wrappers: ReadonlySet<unknown>): string | undefined {
  const self = $(anchor);
  const landmark = self.closest(CHROME_ELEMENTS);
  if (landmark.length > 0)
    return landmark.attr("role") === undefined
      ? landmark.prop("tagName")?.toLowerCase()
      : `[role=${landmark.attr("role")}]`;
  // A <header> is the site's banner only outside an <article> or <main> (HTML-ARIA): a card's own
  // <header> holds its headline.
  const header = self.closest("header");
  if (header.length > 0 && header.closest("article, main").length === 0) return "header";
  for (const element of [anchor, ...self.parents().toArray()]) {
    if (wrappers.has(element)) continue;
    const el = $(element);
    for (const attr of ["class", "id"] as const) {
      const name = (el.attr(attr) ?? "").split(/\s+/).find((token) =>
        token
          .toLowerCase()
          .split(/[-_]/)
          .some((word) => CHROME_WORDS.has(word)),
      );
      if (name !== undefined) return attr === "class" ? `.${name}` : `#${name}`;
    }
  }
  return undefined;
}

function listingMark(url: URL): string | undefined {
  // /2025/, /2025/04/, /2025/04/03/: every story of a year, month or day.
  if (/^\/(?:19|20)\d{2}(?:\/\d{1,2}){0,2}\/?$/.test(url.pathname)) return "date archive";
  const segment = url.pathname.split("/").find((part) => LISTING_SEGMENTS.has(decode(part).toLowerCase()));
  if (segment !== undefined) return `/${segment}/`;
  const query = [...url.searchParams.keys()].find((name) => LISTING_QUERY.has(name.toLowerCase()));
  return query === undefined ? undefined : `?${query}=`;
}

function segmentsOf(url: URL): string[] {
  return url.pathname
    .split("/")
    .filter((part) => part !== "")
    .map((part) => decode(part).replace(PAGE_EXTENSION, ""));
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function words(segment: string): number {
  return segment.split(/[-_]+/).filter((word) => /[a-z]/i.test(word)).length;
}

/** The URL's path with ids, numbers and slugs abstracted: what the links of one listing share. */
function patternOf(url: URL): string {
  const segments = segmentsOf(url);
  const kinds = segments.map(segmentKind);
  // Below a section, a lower-case word before a final id is that story's slug, however short
  // (`/articles/rains/GMWGWQXSMFXM` belongs with `/articles/{slug}/{id}`).
  const last = kinds.length - 1;
  const beforeId = segments[last - 1];
  if (
    last >= 2 &&
    (kinds[last] === "{id}" || kinds[last] === "{n}") &&
    beforeId !== undefined &&
    /^[\p{Ll}\d][\p{Ll}\d_-]*$/u.test(beforeId)
  ) {
    kinds[last - 1] = "{slug}";
  }
  return `/${kinds.join("/")}`;
}

function segmentKind(segment: string): string {
  if (/^\d+$/.test(segment)) return "{n}";
  if (OPAQUE_ID.test(segment) && (ALL_CAPS_OR_DIGITS.test(segment) || /\d/.test(segment))) return "{id}";
  if (/[-_]/.test(segment) && words(segment) >= 2) return "{slug}";
  return segment.toLowerCase();
}

/**
 * 2 for a long slug, a date path or a final id, the marks of a story's URL; 1 for a two-word slug
 * below a section (`/news/rate-cut`), since at the top level two words name a section
 * (`/latest-news`); 0 otherwise.
 */
function shapeScore(url: URL): number {
  const segments = segmentsOf(url);
  const last = segments.at(-1) ?? "";
  if (segments.some((segment) => words(segment) >= 3)) return 2;
  if (/\/(?:19|20)\d{2}\/(?:0?[1-9]|1[0-2])(?:\/|$)/.test(url.pathname)) return 2;
  if (/^\d{4,}$/.test(last) || /[-_]\d{4,}$/.test(last) || segmentKind(last) === "{id}") return 2;
  if (segments.length >= 2 && words(last) === 2) return 1;
  return 0;
}

/** Patterns at least two distinct article-like links share. */
function sharedPatterns(candidates: readonly LinkCandidate[]): Set<string> {
  const urls = new Map<string, Set<string>>();
  for (const candidate of candidates) {
    if (candidate.rejected !== undefined || candidate.score < 2) continue;
    urls.set(candidate.pattern, (urls.get(candidate.pattern) ?? new Set()).add(candidate.url));
  }
  return new Set([...urls].filter(([, set]) => set.size >= 2).map(([pattern]) => pattern));
}

/**
 * A `select.link` that picks exactly the detected links on this page, for ops to pin. Proposals,
 * simplest first: the links' shared first path segments (`a[href*="/articles/"]`), a class of the
 * first link or its ancestors (`.entry-title a[href]`), else the union of each article link's
 * place under its nearest classed ancestor (`.card > h3 > a:not([class])`). Each is checked
 * against the page; undefined when none reproduces the links.
 */
export function suggestLinkSelector(html: string, pageUrl: string, detected: DetectedLinks): string | undefined {
  if (detected.links.length === 0) return undefined;
  const wanted = new Set(detected.links);
  const reproduces = (selector: string): boolean => {
    try {
      const found = new Set(readListingLinks(html, pageUrl, selector).map(withoutTracking));
      return found.size === wanted.size && [...wanted].every((link) => found.has(link));
    } catch {
      return false;
    }
  };
  const $ = load(html);
  // candidates[i] is anchorsOf($)[i]: the same document, the same query.
  const anchors = anchorsOf($).filter((_, index) =>
    [undefined, "duplicate"].includes(detected.candidates[index]?.rejected),
  );
  const first = anchors[0];
  const proposals = [
    byPathPrefix(detected.links),
    ...(first === undefined ? [] : byClass($, first)),
    bySignatures($, anchors),
  ];
  return proposals.find((selector): selector is string => selector !== undefined && reproduces(selector));
}

function byPathPrefix(links: readonly string[]): string | undefined {
  const firsts = new Set(links.map((link) => new URL(link).pathname.split("/")[1] ?? ""));
  if (
    [...firsts].some((segment) => !/^[a-z][a-z0-9-]*$/i.test(segment) || segmentKind(segment) !== segment.toLowerCase())
  )
    return undefined;
  return [...firsts].map((segment) => `a[href*="/${segment}/"]`).join(", ");
}

function byClass($: CheerioAPI, anchor: Anchor): string[] {
  return [
    ...classesOf($, anchor).map((name) => `a.${name}`),
    ...$(anchor)
      .parents()
      .toArray()
      .flatMap((parent) => classesOf($, parent).map((name) => `.${name} a[href]`)),
  ];
}

/** Each anchor as `.nearest-class > tag > a` (or `a.own-class`), the distinct ones joined. */
function bySignatures($: CheerioAPI, anchors: readonly Anchor[]): string | undefined {
  const signatures = anchors.map((anchor) => {
    const own = classesOf($, anchor)[0];
    if (own !== undefined) return `a.${own}`;
    const path: string[] = [];
    for (const parent of $(anchor).parents().toArray()) {
      const name = classesOf($, parent)[0];
      if (name !== undefined) return [`.${name}`, ...path.reverse(), "a:not([class])"].join(" > ");
      path.push(parent.tagName.toLowerCase());
    }
    return undefined;
  });
  if (signatures.some((signature) => signature === undefined)) return undefined;
  return [...new Set(signatures)].join(", ");
}

function classesOf($: CheerioAPI, element: Anchor): string[] {
  return ($(element).attr("class") ?? "").split(/\s+/).filter((name) => /^[A-Za-z_][\w-]*$/.test(name));
}

function anchorsOf($: CheerioAPI) {
  return $("a[href]").toArray();
}

/** An element as cheerio hands it out (domhandler's Element, which cheerio does not re-export). */
type Anchor = ReturnType<typeof anchorsOf>[number];
