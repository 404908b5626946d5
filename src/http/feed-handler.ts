import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { Clock } from "../model/index.js";
import type { FeedVariant } from "../publish/feed-variant.js";
import type { FeedService, RenderedFeed } from "../publish/feed-service.js";
import { chooseCoding, type ContentCoding } from "./content-coding.js";
import { isNotModified } from "./conditional-get.js";
import type { FastAnswer } from "./fast-lane.js";
import { parseFeedRequest } from "./feed-request.js";
import { HttpProblem, sendProblem } from "./problem.js";
import { browserTabContentType, isBrowserTab } from "../publish/feed-stylesheet.js";
import type { RequestHead } from "./request-head.js";

export interface FeedHandlerDeps {
  readonly feeds: FeedService;
  readonly categorySlugs: () => readonly string[];
  /** Seconds a cache may reuse a feed: until its sources are next due, bounded. */
  readonly maxAgeSeconds: () => number;
  /**
   * With a clock, `maxAgeSeconds` is asked at most once per clock second (it walks every
   * source's schedule); without one, on every request.
   */
  readonly clock?: Clock;
}

/**
 * Answers a feed request. A cached variant is answered synchronously (returns undefined); only
 * a render returns a promise, so the hot path allocates no promise.
 */
export type FeedHandler = ((req: IncomingMessage, res: ServerResponse) => Promise<void> | undefined) & {
  /** Forget parsed URLs (the category list changed). */
  reset(): void;
  /**
   * The complete answer to a feed poll, for the fast lane: at once when the variant is rendered,
   * after its render otherwise; undefined when the request needs the full handler (an error).
   */
  answer(request: RequestHead): FastAnswer | Promise<FastAnswer> | undefined;
};

/** One rendered feed in one content coding, with its response headers flattened once. */
interface Prepared {
  readonly body: Buffer;
  /**
   * The validator of this coding, the only tag that revalidates it: a 304 must carry the ETag a
   * 200 would (RFC 9110 §15.4.5), and a cache updates only the stored response whose tag matches
   * (RFC 9111 §4.3.4), so answering 304 to another coding's tag would leave it nothing to update.
   */
  readonly etag: string;
  /** Headers of a 304 (RFC 9110 §15.4.5) before and after Cache-Control. */
  readonly common: readonly string[];
  /** Headers only a 200 carries. */
  readonly full: readonly string[];
  /** `[name, value, …]` for a 200 and a 304, for `maxAge`; rebuilt when max-age changes. */
  headers: PreparedHeaders | undefined;
}

type Conditions = Pick<IncomingHttpHeaders, "if-none-match" | "if-modified-since">;

interface Decision {
  readonly ready: Prepared;
  readonly headers: PreparedHeaders;
  readonly notModified: boolean;
}

interface PreparedHeaders {
  readonly maxAge: number;
  readonly ok: string[];
  readonly notModified: string[];
  /** The same as raw status line + fields, without Date and Connection (fast-lane.ts adds them). */
  readonly okHead: Buffer;
  readonly notModifiedHead: Buffer;
}

/**
 * Serves `/feeds/*` from rendered bytes kept in memory. The hot path (a cached variant) does
 * no hashing, no compression, no store access and no URL parsing: map lookups, a validator
 * comparison and a write of header arrays built once per (feed, coding, max-age).
 */
export function createFeedHandler(deps: FeedHandlerDeps): FeedHandler {
  const variants = new Map<string, FeedVariant | HttpProblem>();
  const prepared = new WeakMap<RenderedFeed, Map<string, Prepared>>();
  const maxAge = memoizePerSecond(deps.maxAgeSeconds, deps.clock);

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

  function prepare(feed: RenderedFeed, coding: ContentCoding, tab: boolean): Prepared {
    let byCoding = prepared.get(feed);
    if (!byCoding) prepared.set(feed, (byCoding = new Map<string, Prepared>()));
    const key = tab ? `${coding}:tab` : coding;
    let ready = byCoding.get(key);
    if (!ready) byCoding.set(key, (ready = buildPrepared(feed, coding, tab)));
    return ready;
  }

  /**
   * The one decision both paths make (node:http below, the fast lane in `answer`): which coding,
   * which headers, and 200 or 304. RFC 9110 §15.4.5: a 304 carries the validators and caching
   * headers a 200 would, and no body.
   */
  function decide(
    feed: RenderedFeed,
    acceptEncoding: string | undefined,
    conditions: Conditions,
    tab = false,
  ): Decision {
    const ready = prepare(feed, chooseCoding(acceptEncoding), tab);
    return {
      ready,
      headers: headersFor(ready, maxAge()),
      notModified: isNotModified(conditions, ready.etag, feed.lastModified),
    };
  }

  function respond(req: IncomingMessage, res: ServerResponse, feed: RenderedFeed): void {
    // A browser tab never takes the fast lane: request-head.ts hands Sec-Fetch-Dest to node:http.
    const tab = isBrowserTab(req.headers["sec-fetch-dest"]);
    const { ready, headers, notModified } = decide(feed, req.headers["accept-encoding"], req.headers, tab);
    res.writeHead(notModified ? 304 : 200, notModified ? headers.notModified : headers.ok);
    res.end(notModified || req.method === "HEAD" ? undefined : ready.body);
  }

  function answer(request: RequestHead): FastAnswer | Promise<FastAnswer> | undefined {
    // Other routes are node:http's (Express): not worth a parse, nor a place in `variants`.
    if (!request.target.startsWith("/feeds/")) return undefined;
    const variant = variantFor(request.target);
    if (variant instanceof HttpProblem) return undefined;
    const cached = deps.feeds.cached(variant);
    if (!cached) return deps.feeds.render(variant).then((feed) => answerWith(request, feed));
    return answerWith(request, cached);
  }

  function answerWith(request: RequestHead, feed: RenderedFeed): FastAnswer {
    const conditions = { "if-none-match": request.ifNoneMatch, "if-modified-since": request.ifModifiedSince };
    const { ready, headers, notModified } = decide(feed, request.acceptEncoding, conditions);
    if (notModified) return { status: 304, head: headers.notModifiedHead };
    return { status: 200, head: headers.okHead, ...(request.method === "GET" && { body: ready.body }) };
  }

  const handler = (req: IncomingMessage, res: ServerResponse): Promise<void> | undefined => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("Allow", "GET, HEAD");
      sendProblem(res, new HttpProblem(405, "Method not allowed", "Feeds answer GET and HEAD."));
      return undefined;
    }
    const variant = variantFor(req.url ?? "/");
    if (variant instanceof HttpProblem) {
      sendProblem(res, variant, req.url);
      return undefined;
    }
    const cached = deps.feeds.cached(variant);
    if (cached) {
      respond(req, res, cached);
      return undefined;
    }
    return deps.feeds.render(variant).then((feed) => respond(req, res, feed));
  };
  return Object.assign(handler, { reset: () => variants.clear(), answer });
}

function headersFor(ready: Prepared, maxAge: number): PreparedHeaders {
  if (ready.headers?.maxAge === maxAge) return ready.headers;
  const notModified = [...ready.common, "Cache-Control", `public, max-age=${maxAge}`];
  const ok = [...notModified, ...ready.full];
  ready.headers = {
    maxAge,
    notModified,
    ok,
    notModifiedHead: rawHead("304 Not Modified", notModified),
    okHead: rawHead("200 OK", ok),
  };
  return ready.headers;
}

/** `HTTP/1.1 <status>` and `name: value` lines from a flat `[name, value, …]` list (RFC 9112 §4, §5). */
function rawHead(status: string, fields: readonly string[]): Buffer {
  let head = `HTTP/1.1 ${status}\r\n`;
  for (let index = 0; index + 1 < fields.length; index += 2) head += `${fields[index]}: ${fields[index + 1]}\r\n`;
  return Buffer.from(head, "latin1");
}

/** `compute()`, reused while the clock stays within the same second (always recomputed without a clock). */
function memoizePerSecond(compute: () => number, clock: Clock | undefined): () => number {
  if (!clock) return compute;
  let second = Number.NaN;
  let value = 0;
  return () => {
    const now = Math.floor(clock() / 1000);
    if (now !== second) {
      value = compute();
      second = now;
    }
    return value;
  };
}

function buildPrepared(feed: RenderedFeed, coding: ContentCoding, tab: boolean): Prepared {
  const tabType = browserTabContentType(feed.contentType);
  const body = coding === "br" ? feed.brotli : coding === "gzip" ? feed.gzip : feed.identity;
  const etag = coding === "br" ? feed.etags.brotli : coding === "gzip" ? feed.etags.gzip : feed.etags.identity;
  const links = [`<${feed.selfUrl}>; rel="self"`, ...feed.hubs.map((hub) => `<${hub}>; rel="hub"`)];
  if (feed.paging.next) links.push(`<${feed.paging.next}>; rel="next"`);
  if (feed.paging.prev) links.push(`<${feed.paging.prev}>; rel="prev"`);
  if (feed.paging.first) links.push(`<${feed.paging.first}>; rel="first"`);
  if (feed.paging.current) links.push(`<${feed.paging.current}>; rel="current"`);
  const full = [
    "Content-Type",
    (tab ? tabType : undefined) ?? feed.contentType,
    "Content-Length",
    String(body.length),
    ...(coding === "identity" ? [] : ["Content-Encoding", coding]),
    ...(feed.lastModified === undefined ? [] : ["Last-Modified", new Date(feed.lastModified).toUTCString()]),
    "Link",
    links.join(", "),
    "Access-Control-Allow-Origin",
    "*",
    "X-Content-Type-Options",
    "nosniff",
  ];
  return {
    body,
    etag,
    // Shared caches must keep a browser tab's Content-Type apart from a reader's (RFC 9110 §12.5.5).
    common: ["ETag", etag, "Vary", tabType === undefined ? "Accept-Encoding" : "Accept-Encoding, Sec-Fetch-Dest"],
    full,
    headers: undefined,
  };
}
