import type { IncomingMessage, ServerResponse } from "node:http";
import type { FeedVariant } from "../publish/feed-variant.js";
import type { FeedService, RenderedFeed } from "../publish/feed-service.js";
import { chooseCoding, type ContentCoding } from "./content-coding.js";
import { isNotModified } from "./conditional-get.js";
import { parseFeedRequest } from "./feed-request.js";
import { HttpProblem, sendProblem } from "./problem.js";

export interface FeedHandlerDeps {
  readonly feeds: FeedService;
  readonly categorySlugs: () => readonly string[];
  /** Seconds a cache may reuse a feed: until its sources are next due, bounded. */
  readonly maxAgeSeconds: () => number;
}

export type FeedHandler = ((req: IncomingMessage, res: ServerResponse) => Promise<void>) & {
  /** Forget parsed URLs (the category list changed). */
  reset(): void;
};

interface Prepared {
  readonly body: Buffer;
  readonly etag: string;
  /** Headers shared by 200 and 304 except Cache-Control, which depends on the clock. */
  readonly common: readonly [string, string][];
  /** Headers only a 200 carries. */
  readonly full: readonly [string, string][];
}

/**
 * Serves `/feeds/*` from rendered bytes kept in memory. The hot path (a cached variant) does
 * no hashing, no compression and no store access: a map lookup, a validator comparison and a
 * write of precomputed headers.
 */
export function createFeedHandler(deps: FeedHandlerDeps): FeedHandler {
  const variants = new Map<string, FeedVariant | HttpProblem>();
  const prepared = new WeakMap<RenderedFeed, Map<ContentCoding, Prepared>>();

  function variantFor(url: string): FeedVariant | HttpProblem {
    const known = variants.get(url);
    if (known) return known;
    let parsed: FeedVariant | HttpProblem;
    try {
      const { pathname, searchParams } = new URL(url, "http://localhost");
      parsed = parseFeedRequest(pathname, searchParams, deps.categorySlugs());
    } catch (error) {
      if (!(error instanceof HttpProblem)) throw error;
      parsed = error;
    }
    if (variants.size > 5000) variants.clear();
    variants.set(url, parsed);
    return parsed;
  }

  function prepare(feed: RenderedFeed, coding: ContentCoding): Prepared {
    let byCoding = prepared.get(feed);
    if (!byCoding) prepared.set(feed, (byCoding = new Map()));
    const ready = byCoding.get(coding);
    if (ready) return ready;
    const made = buildPrepared(feed, coding);
    byCoding.set(coding, made);
    return made;
  }

  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("Allow", "GET, HEAD");
      sendProblem(res, new HttpProblem(405, "Method not allowed", "Feeds answer GET and HEAD."));
      return;
    }
    const variant = variantFor(req.url ?? "/");
    if (variant instanceof HttpProblem) {
      sendProblem(res, variant, req.url);
      return;
    }
    const feed = deps.feeds.cached(variant) ?? (await deps.feeds.render(variant));
    const coding = chooseCoding(req.headers["accept-encoding"]);
    const ready = prepare(feed, coding);
    const cacheControl: [string, string] = ["Cache-Control", `public, max-age=${deps.maxAgeSeconds()}`];
    if (isNotModified(req.headers, [feed.etags.identity, feed.etags.gzip, feed.etags.brotli], feed.lastModified)) {
      // RFC 9110 §15.4.5: a 304 carries the validators and caching headers a 200 would, no body.
      res.writeHead(304, [...ready.common, cacheControl].flat());
      res.end();
      return;
    }
    res.writeHead(200, [...ready.common, cacheControl, ...ready.full].flat());
    res.end(req.method === "HEAD" ? undefined : ready.body);
  };
  return Object.assign(handler, { reset: () => variants.clear() });
}

function buildPrepared(feed: RenderedFeed, coding: ContentCoding): Prepared {
  const body = coding === "br" ? feed.brotli : coding === "gzip" ? feed.gzip : feed.identity;
  const etag = coding === "br" ? feed.etags.brotli : coding === "gzip" ? feed.etags.gzip : feed.etags.identity;
  const links = [`<${feed.selfUrl}>; rel="self"`, ...feed.hubs.map((hub) => `<${hub}>; rel="hub"`)];
  if (feed.paging.next) links.push(`<${feed.paging.next}>; rel="next"`);
  if (feed.paging.prev) links.push(`<${feed.paging.prev}>; rel="prev"`);
  if (feed.paging.first) links.push(`<${feed.paging.first}>; rel="first"`);
  const common: [string, string][] = [
    ["ETag", etag],
    ["Vary", "Accept-Encoding"],
  ];
  const full: [string, string][] = [
    ["Content-Type", feed.contentType],
    ["Content-Length", String(body.length)],
    ...(coding === "identity" ? [] : ([["Content-Encoding", coding]] as [string, string][])),
    ...(feed.lastModified === undefined ? [] : ([["Last-Modified", new Date(feed.lastModified).toUTCString()]] as [string, string][])),
    ["Link", links.join(", ")],
    ["Access-Control-Allow-Origin", "*"],
    ["X-Content-Type-Options", "nosniff"],
  ];
  return { body, etag, common, full };
}
