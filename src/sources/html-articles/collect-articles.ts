/**
 * The html-articles source kind: a listing page's links to article pages, each page not already
 * stored read into one item (kind "article") whose id and link are the page's canonical URL.
 */
import type { CollectedItem, Source } from "../../model/index.js";
import type { CollectContext, CollectOutcome, Collector } from "../collector.js";
import { decodeText } from "../decode.js";
import { fetchResource } from "../fetch.js";
import { dedupeById, normalizeItem } from "../normalize.js";
import { readArticlePage } from "./article-page.js";
import { ArticlesError } from "./articles-error.js";
import { readListingLinks, withoutTracking } from "./listing-page.js";

export const DEFAULT_MAX_ARTICLES_PER_PASS = 20;
/** Article pages fetched at once: polite to one site, yet one slow page does not hold up the pass. */
const CONCURRENT_FETCHES = 4;
const HTML_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1";

type ArticleResult = { readonly item?: CollectedItem; readonly warnings: readonly string[] };

/**
 * The listing is fetched unconditionally, on purpose: with a per-pass cap, a pass can leave links
 * for the next one, and a 304 on an unchanged listing would strand them.
 */
export const collectArticles: Collector = async (source, ctx) => {
  const linkSelector = source.select?.link;
  if (linkSelector === undefined) throw new ArticlesError(`html-articles: source '${source.id}' needs select.link`);
  const listing = await fetchPage(source.url, ctx);
  const links = readListingLinks(listing.text, listing.url, linkSelector);
  const pending = await linksToFetch(links, source, ctx);
  const results = await mapConcurrently(pending, CONCURRENT_FETCHES, (url) => collectArticle(url, source, ctx));
  ctx.signal?.throwIfAborted();
  const items = results.flatMap((result) => (result.item === undefined ? [] : [result.item]));
  const outcome: CollectOutcome = { items: dedupeById(items), warnings: results.flatMap((result) => result.warnings), notModified: false };
  return outcome;
};

async function fetchPage(url: string, ctx: CollectContext): Promise<{ url: string; text: string }> {
  const fetched = await fetchResource({
    url,
    options: ctx.fetchOptions,
    accept: HTML_ACCEPT,
    ...(ctx.signal !== undefined && { signal: ctx.signal }),
  });
  // Without validators upstream cannot answer 304, but the type allows it.
  if (fetched.status === "not-modified") throw new ArticlesError(`html-articles: ${url} answered 304 to an unconditional request`);
  const { text } = decodeText(fetched.body, { format: "html", ...(fetched.contentType !== undefined && { contentType: fetched.contentType }) });
  return { url: fetched.url, text };
}

/**
 * Links whose page is not stored yet (by link, or by the link without tracking parameters, which is
 * what canonical URLs usually are), at most maxArticlesPerPass; with `refresh`, every link.
 */
async function linksToFetch(links: readonly string[], source: Source, ctx: CollectContext): Promise<string[]> {
  const max = source.maxArticlesPerPass ?? DEFAULT_MAX_ARTICLES_PER_PASS;
  if (source.refresh === true) return links.slice(0, max);
  const known = await ctx.knownIds([...new Set(links.flatMap((link) => [link, withoutTracking(link)]))]);
  return links.filter((link) => !known.has(link) && !known.has(withoutTracking(link))).slice(0, max);
}

/** One article page; a page that cannot be fetched or read becomes a warning naming it, never a failed pass. */
async function collectArticle(url: string, source: Source, ctx: CollectContext): Promise<ArticleResult> {
  try {
    const page = await fetchPage(url, ctx);
    const article = readArticlePage(page.text, page.url, source.select?.body);
    const item = normalizeItem(article.raw, { sourceId: source.id, kind: "article", baseUrl: article.baseUrl, now: ctx.clock() });
    if (item === undefined) return { warnings: [...article.warnings, `html-articles: ${url}: no title, text or link found`] };
    return { item, warnings: article.warnings };
  } catch (err) {
    if (ctx.signal?.aborted) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    return { warnings: [`html-articles: ${url}: ${reason}`] };
  }
}

/** `work` over `inputs`, at most `limit` at a time, results in input order. */
async function mapConcurrently<T, R>(inputs: readonly T[], limit: number, work: (input: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(inputs.length);
  const queue = inputs.map((input, index) => ({ input, index }));
  const worker = async (): Promise<void> => {
    for (let job = queue.shift(); job !== undefined; job = queue.shift()) results[job.index] = await work(job.input);
  };
  await Promise.all(Array.from({ length: Math.min(limit, inputs.length) }, worker));
  return results;
}
