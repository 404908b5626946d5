/**
 * The html-articles source kind: a listing page's links to article pages (those `select.link`
 * picks, else those detect-links.ts finds), each page not already stored read into one item
 * (kind "article") whose id and link are the page's canonical URL. The
 * URLs a page was fetched from go with it as aliases, so the store knows the page by its listing
 * link on later passes even when its canonical URL differs.
 */
import type { CollectedItem, Source } from "../../model/index.js";
import type { CollectContext, CollectOutcome, Collector } from "../collector.js";
import { fetchResource } from "../fetch.js";
import { fetchConditionally } from "../conditional-fetch.js";
import { fetchedDocument, type FetchedDocument } from "../fetched-document.js";
import { dedupeById } from "../normalize.js";
import { parserOf } from "../parse-jobs.js";
import { isRefusedInput } from "../refused-input.js";
import { ArticlesError } from "./articles-error.js";
import { withoutTracking } from "./listing-page.js";

export const DEFAULT_MAX_ARTICLES_PER_PASS = 20;
const HTML_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1";

type ArticleResult = {
  readonly item?: CollectedItem;
  readonly warnings: readonly string[];
  /** The page was refused as pathological input (refused-input.ts). */
  readonly refused?: boolean;
};

/**
 * The listing is revalidated with the validators of the last pass (RFC 9110 §13.1) and a 304 ends
 * the pass. Those validators are kept only after a pass that left nothing behind: with a per-pass
 * cap or a page that failed, links wait for the next pass, and a 304 on an unchanged listing would
 * strand them, so such a pass stores none and the next listing fetch is unconditional. `refresh`
 * re-reads stored pages whatever the listing says, so it never revalidates.
 */
export const collectArticles: Collector = async (source, ctx) => {
  // `refresh` re-reads stored pages whatever the listing says, so it never revalidates.
  const previous = source.refresh === true ? undefined : ctx.previous;
  const listing = await fetchConditionally({ url: source.url, accept: HTML_ACCEPT, previous }, ctx);
  if (listing.status === "not-modified") return listing.outcome;
  const links = await parserOf(ctx)("listing", {
    document: fetchedDocument(listing.fetched),
    ...(source.select?.link !== undefined && { selector: source.select.link }),
  });
  const pending = await linksToFetch(links, source, ctx);
  const results = await mapConcurrently(pending.links, ctx.perHost ?? 1, (url) => collectArticle(url, source, ctx));
  ctx.signal?.throwIfAborted();
  const items = results.flatMap((result) => (result.item === undefined ? [] : [result.item]));
  failIfEveryPageRefused(results);
  const finished = source.refresh !== true && !pending.leftOver && results.every((result) => result.item !== undefined);
  const outcome: CollectOutcome = {
    items: dedupeById(items),
    warnings: results.flatMap((result) => result.warnings),
    notModified: false,
    ...(finished ? listing.validators : {}),
  };
  return outcome;
};

/**
 * Every page read this pass was refused as pathological (markup limits, parse time budget): the
 * source keeps sending what we cannot parse, so the pass fails and the worker backs off, as
 * read-feed.ts does for a feed whose every entry is refused.
 */
function failIfEveryPageRefused(results: readonly ArticleResult[]): void {
  if (results.length === 0 || !results.every((result) => result.refused === true)) return;
  throw new ArticlesError(
    `html-articles: every article page read (${results.length}) was refused: ${results[0]?.warnings[0] ?? ""}`,
  );
}

/**
 * An article page, fetched without validators: a page is fetched only when it is not stored. The
 * listing chose its URL, so unless it is on the source's own origin it must resolve to a public
 * address (fetch.ts `configuredUrl`): a listing must not lead us into the operator's network.
 */
async function fetchPage(url: string, source: Source, ctx: CollectContext): Promise<FetchedDocument> {
  const fetched = await fetchResource({
    url,
    configuredUrl: source.url,
    options: ctx.fetchOptions,
    accept: HTML_ACCEPT,
    ...(ctx.signal !== undefined && { signal: ctx.signal }),
  });
  // Without validators upstream cannot answer 304, but the type allows it.
  if (fetched.status === "not-modified")
    throw new ArticlesError(`html-articles: ${url} answered 304 to an unconditional request`);
  return fetchedDocument(fetched);
}

/**
 * Links whose page is not stored yet, at most maxArticlesPerPass, and whether the cap left some
 * for a later pass; with `refresh`, every link. A page is stored under its canonical URL, and
 * known by the link it was fetched from too (the store's aliases), with or without tracking
 * parameters (what canonical URLs usually drop).
 */
async function linksToFetch(
  links: readonly string[],
  source: Source,
  ctx: CollectContext,
): Promise<{ links: string[]; leftOver: boolean }> {
  const max = source.maxArticlesPerPass ?? DEFAULT_MAX_ARTICLES_PER_PASS;
  if (source.refresh === true) return { links: links.slice(0, max), leftOver: links.length > max };
  const known = await ctx.knownIds([...new Set(links.flatMap((link) => [link, withoutTracking(link)]))]);
  const unknown = links.filter((link) => !known.has(link) && !known.has(withoutTracking(link)));
  return { links: unknown.slice(0, max), leftOver: unknown.length > max };
}

/** One article page; a page that cannot be fetched or read becomes a warning naming it, never a failed pass. */
async function collectArticle(url: string, source: Source, ctx: CollectContext): Promise<ArticleResult> {
  try {
    const page = await fetchPage(url, source, ctx);
    const article = await parserOf(ctx)("article", {
      document: page,
      sourceId: source.id,
      now: ctx.clock(),
      ...(source.select?.body !== undefined && { bodySelector: source.select.body }),
      ...(source.timezone !== undefined && { timeZone: source.timezone }),
    });
    if (article.item === undefined)
      return { warnings: [...article.warnings, `html-articles: ${url}: no title, text or link found`] };
    return { item: withAliases(article.item, [url, withoutTracking(url), page.url]), warnings: article.warnings };
  } catch (err) {
    if (ctx.signal?.aborted) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    return { warnings: [`html-articles: ${url}: ${reason}`], ...(isRefusedInput(err) && { refused: true }) };
  }
}

/** The item with the URLs its page was fetched from that differ from its id (the listing link, the URL after redirects). */
function withAliases(item: CollectedItem, urls: readonly string[]): CollectedItem {
  const aliases = [...new Set(urls)].filter((url) => url !== item.id);
  return aliases.length === 0 ? item : { ...item, aliases };
}

/** `work` over `inputs`, at most `limit` at a time, results in input order. */
async function mapConcurrently<T, R>(
  inputs: readonly T[],
  limit: number,
  work: (input: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(inputs.length);
  const queue = inputs.map((input, index) => ({ input, index }));
  const worker = async (): Promise<void> => {
    for (let job = queue.shift(); job !== undefined; job = queue.shift()) results[job.index] = await work(job.input);
  };
  await Promise.all(Array.from({ length: Math.min(limit, inputs.length) }, worker));
  return results;
}
