/**
 * One article page read into a RawItem: metadata from Open Graph (ogp.me), `article:*` properties,
 * schema.org JSON-LD and plain HTML, in that order of trust; the body via article-body.ts.
 */
import { load } from "cheerio";
import type { CheerioAPI } from "cheerio";
import type { RawItem } from "../raw-item.js";
import { extractBody } from "./article-body.js";
import { inTimeZone, visibleDateLine } from "./article-dates.js";
import { bylineAuthor } from "./byline.js";
import { absoluteUrl, documentBase } from "../document-base.js";
import { readJsonLdArticle } from "./json-ld.js";
import type { JsonLdArticle } from "./json-ld.js";

export interface ArticlePage {
  readonly raw: RawItem;
  /** The page's canonical web URL (rel=canonical, else og:url, else the fetched URL), when it has one. */
  readonly canonicalUrl?: string;
  /** What relative URLs resolve against, for normalizeItem; a web URL whenever the page gives one. */
  readonly baseUrl: string;
  readonly warnings: readonly string[];
}

const WEB_PROTOCOLS = new Set(["http:", "https:"]);

export interface ArticlePageOptions {
  /** `select.body`: the story's text; Readability otherwise. */
  readonly bodySelector?: string;
  /** The source's `timezone:`: the zone of dates the page states without one (else read as UTC). */
  readonly timeZone?: string;
}

export function readArticlePage(html: string, pageUrl: string, options: ArticlePageOptions = {}): ArticlePage {
  const { bodySelector, timeZone } = options;
  const $ = load(html);
  const documentUrl = documentBase($, pageUrl);
  const jsonLd = readJsonLdArticle(
    $('script[type="application/ld+json"]')
      .toArray()
      .map((el) => $(el).text()),
  );
  const canonicalUrl = canonicalOf($, documentUrl, pageUrl);
  // A page read from disk (the offline sample) has file: URLs; its canonical web URL is the better base.
  const baseUrl = isWeb(documentUrl) ? documentUrl : (canonicalUrl ?? documentUrl);
  const description = meta($, "og:description") ?? meta($, "description");
  const metadata = readMetadata($, jsonLd, timeZone);
  const body = extractBody($, pageUrl, bodySelector);
  const summary = description ?? (body.html === undefined ? undefined : firstParagraph(body.html));
  return {
    raw: {
      ...metadata,
      ...(canonicalUrl !== undefined && { url: canonicalUrl }),
      ...(summary !== undefined && { summary }),
      ...(body.html !== undefined && { contentHtml: body.html }),
    },
    ...(canonicalUrl !== undefined && { canonicalUrl }),
    baseUrl,
    warnings: body.warning === undefined ? [] : [body.warning],
  };
}

function readMetadata($: CheerioAPI, jsonLd: JsonLdArticle | undefined, timeZone: string | undefined): RawItem {
  const ogTitle = meta($, "og:title");
  const title =
    (ogTitle === undefined ? undefined : withoutSiteName(ogTitle, meta($, "og:site_name"))) ??
    jsonLd?.headline ??
    text($("h1").first().text()) ??
    titleWithoutSite($);
  const published = inTimeZone(
    meta($, "article:published_time") ?? jsonLd?.datePublished ?? markedDate($, "datePublished") ?? visibleDateLine($),
    timeZone,
  );
  const updated = inTimeZone(
    meta($, "article:modified_time") ??
      meta($, "og:updated_time") ??
      jsonLd?.dateModified ??
      markedDate($, "dateModified"),
    timeZone,
  );
  const authors = authorsOf($, jsonLd);
  const imageUrl = meta($, "og:image") ?? meta($, "og:image:url") ?? jsonLd?.image;
  const language = text($("html").attr("lang") ?? "") ?? jsonLd?.inLanguage ?? meta($, "og:locale");
  const tags = [meta($, "article:section"), ...metas($, "article:tag"), ...(jsonLd?.keywords ?? [])].filter(
    (tag): tag is string => tag !== undefined,
  );
  return {
    authors: authors.map((name) => ({ name })),
    tags,
    ...(title !== undefined && { title }),
    ...(published !== undefined && { published }),
    ...(updated !== undefined && { updated }),
    ...(imageUrl !== undefined && { imageUrl }),
    ...(language !== undefined && { language }),
  };
}

/** `<meta name="author">`, else JSON-LD's authors, else the visible "By: …" line. */
function authorsOf($: CheerioAPI, jsonLd: JsonLdArticle | undefined): string[] {
  const metaAuthor = meta($, "author");
  if (metaAuthor !== undefined) return [metaAuthor];
  if (jsonLd !== undefined && jsonLd.authors.length > 0) return [...jsonLd.authors];
  const byline = bylineAuthor($);
  return byline === undefined ? [] : [byline];
}

/** `<meta property=…>` (Open Graph) or `<meta name=…>` (HTML), trimmed; undefined when empty. */
function meta($: CheerioAPI, key: string): string | undefined {
  return metas($, key)[0];
}

function metas($: CheerioAPI, key: string): string[] {
  return $(`meta[property="${key}"], meta[name="${key}"]`)
    .toArray()
    .map((el) => text($(el).attr("content") ?? ""))
    .filter((value): value is string => value !== undefined);
}

function text(value: string): string | undefined {
  const collapsed = value.replace(/[\s\u00A0]+/g, " ").trim();
  return collapsed === "" ? undefined : collapsed;
}

function isWeb(url: string): boolean {
  return WEB_PROTOCOLS.has(new URL(url).protocol);
}

/** rel=canonical (RFC 6596), else og:url, else the fetched URL; web URLs only, since it becomes the item's link. */
function canonicalOf($: CheerioAPI, documentUrl: string, pageUrl: string): string | undefined {
  const candidates = [$('link[rel~="canonical"]').first().attr("href"), meta($, "og:url")].map((href) =>
    absoluteUrl(href, documentUrl),
  );
  return [...candidates, pageUrl].find((url): url is string => url !== undefined && isWeb(url));
}

/**
 * A date marked up in the page: schema.org microdata (`itemprop`, on `<time datetime>` or `<meta
 * content>`), then, for publication only, the `<time datetime>` inside the `<article>` or the
 * first one on the page. The article's own comes first: headers and sidebars carry other dates.
 */
function markedDate($: CheerioAPI, property: "datePublished" | "dateModified"): string | undefined {
  const microdata = $(`[itemprop="${property}"]`).first();
  const marked = microdata.attr("datetime") ?? microdata.attr("content");
  if (marked !== undefined || property === "dateModified") return marked;
  return $("article time[datetime]").first().attr("datetime") ?? $("time[datetime]").first().attr("datetime");
}

/** og:title without " | Site" when it ends with the page's og:site_name (many CMSs append it there too). */
function withoutSiteName(title: string, siteName: string | undefined): string {
  if (siteName === undefined) return title;
  const match = /^(.+?)\s+[|\-–—]\s+([^|\-–—]+)$/.exec(title.trim());
  return match?.[2]?.trim().toLowerCase() === siteName.trim().toLowerCase() ? (match[1] ?? title).trim() : title;
}

/** The `<title>` without the site name CMSs append: "Headline | Site", "Headline - Site", "Headline — Site". */
function titleWithoutSite($: CheerioAPI): string | undefined {
  const title = text($("title").first().text());
  if (title === undefined) return undefined;
  const siteName = meta($, "og:site_name");
  const match = /^(.+?)\s+[|\-–—]\s+([^|\-–—]+)$/.exec(title);
  if (match === null) return title;
  const [, headline = title, site = ""] = match;
  // Without og:site_name, a suffix is taken for the site's name only when it is short.
  const isSite =
    siteName !== undefined ? site.trim().toLowerCase() === siteName.toLowerCase() : site.trim().split(" ").length <= 4;
  return isSite ? headline.trim() : title;
}

function firstParagraph(html: string): string | undefined {
  const $ = load(html, null, false);
  return $("p")
    .toArray()
    .map((p) => text($(p).text()))
    .find((paragraph): paragraph is string => paragraph !== undefined);
}
