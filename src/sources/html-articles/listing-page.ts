/**
 * The listing page of an html-articles source: which article pages it links to, in page order.
 */
import { load } from "cheerio";
import { withoutTrackingParameters } from "../../urls/tracking.js";
import { ArticlesError } from "./articles-error.js";
import { absoluteUrl, documentBase } from "../document-base.js";

const WEB_PROTOCOLS = new Set(["http:", "https:"]);

/**
 * Absolute, fragment-free, de-duplicated URLs of the elements `selector` matches (an `<a href>`, or
 * an element holding one). A web page may only lead to web pages; a `file:` listing (the offline
 * sample) may also lead to files in its own directory tree, never elsewhere on the disk.
 */
export function readListingLinks(html: string, pageUrl: string, selector: string): string[] {
  const $ = load(html);
  const base = documentBase($, pageUrl);
  const matched = $(selector);
  if (matched.length === 0)
    throw new ArticlesError(`html-articles: selector '${selector}' matched nothing on ${pageUrl}`);
  const links = new Set<string>();
  matched.each((_, element) => {
    const href = $(element).attr("href") ?? $(element).find("a[href]").first().attr("href");
    const url = followable(absoluteUrl(href, base), pageUrl);
    if (url !== undefined) links.add(url);
  });
  if (links.size === 0) {
    throw new ArticlesError(
      `html-articles: selector '${selector}' matched ${matched.length} elements on ${pageUrl} but none links to a page`,
    );
  }
  return [...links];
}

function followable(href: string | undefined, pageUrl: string): string | undefined {
  if (href === undefined) return undefined;
  const url = new URL(href);
  url.hash = "";
  if (WEB_PROTOCOLS.has(url.protocol)) return url.href;
  const listing = new URL(pageUrl);
  const listingDirectory = new URL(".", listing).pathname;
  if (url.protocol === "file:" && listing.protocol === "file:" && url.pathname.startsWith(listingDirectory))
    return url.href;
  return undefined;
}

/** The link without tracking parameters (urls/tracking.ts): the form a canonical URL usually takes. */
export function withoutTracking(link: string): string {
  return withoutTrackingParameters(new URL(link)).href;
}
