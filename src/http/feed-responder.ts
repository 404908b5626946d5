import type { IncomingHttpHeaders } from "node:http";
import type { Clock } from "../model/index.js";
import type { FeedVariant } from "../publish/feed-variant.js";
import type { FeedService, RenderedFeed } from "../publish/feed-service.js";
import { chooseCoding, type ContentCoding } from "./content-coding.js";
import { isNotModified } from "./conditional-get.js";
import { parseFeedRequest } from "./feed-request.js";
import { HttpProblem } from "./problem.js";
import { browserTabContentType, isBrowserTab } from "../publish/feed-stylesheet.js";
import { linkHeaderValue } from "../publish/feed-links.js";

export interface FeedResponderDeps {
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

/** A GET or HEAD of a feed, as the fast lane's head reader and node:http both see it. */
export interface FeedRequest {
  readonly method: "GET" | "HEAD";
  /** The request target as sent, e.g. `/feeds/world.rss?limit=20`. */
  readonly target: string;
  readonly acceptEncoding?: string | undefined;
  readonly ifNoneMatch?: string | undefined;
  readonly ifModifiedSince?: string | undefined;
  /**
   * W3C Fetch Metadata: `document` when a person opened the feed in a browser tab, which then gets
   * the same bytes labelled so the tab applies the feed's stylesheet (publish/feed-stylesheet.ts).
   * The fast lane hands such requests to node:http (fast-lane/request-head.ts), so only it sets this.
   */
  readonly secFetchDest?: string | undefined;
}

/** A feed's answer, ready to write: raw for the socket, `[name, value, …]` for node:http. */
export interface FeedAnswer {
  readonly status: 200 | 304;
  /** Status line and every field but Date and Connection (the transport adds those). */
  readonly head: Buffer;
  /** The same fields as `head`, for `res.writeHead` (which takes them mutable; shared, not to be changed). */
  readonly fields: string[];
  /** Omitted for HEAD and 304. */
  readonly body?: Buffer;
}

/**
 * The one responder to feed requests, used by both transports (server.ts): the fast lane on the
 * socket and the plain node:http path. A cached variant is answered synchronously, so the hot
 * path allocates no promise; only a render returns one. A bad URL is an HttpProblem (404, 400).
 */
export interface FeedResponder {
  respond(request: FeedRequest): FeedAnswer | HttpProblem | Promise<FeedAnswer>;
  /** Forget parsed URLs (the category list changed). */
  reset(): void;
}

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
  /** The 304, GET and HEAD answers for one max-age; rebuilt when max-age changes. */
  answers: PreparedAnswers | undefined;
}

/** The answers themselves, built once per (feed, coding, max-age): a poll allocates none. */
interface PreparedAnswers {
  readonly maxAge: number;
  readonly notModified: FeedAnswer;
  /** A 200 to a GET, with the body. */
  readonly ok: FeedAnswer;
  /** A 200 to a HEAD: the same fields, no body. */
  readonly okHead: FeedAnswer;
}

/**
 * Serves `/feeds/*` from rendered bytes kept in memory. The hot path (a cached variant) does
 * no hashing, no compression, no store access and no URL parsing: map lookups, a validator
 * comparison and header arrays built once per (feed, coding, max-age).
 */
export function createFeedResponder(deps: FeedResponderDeps): FeedResponder {
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
   * Which coding, which headers, and 200 or 304. RFC 9110 §15.4.5: a 304 carries the validators
   * and caching headers a 200 would, and no body.
   */
  function answerWith(request: FeedRequest, feed: RenderedFeed): FeedAnswer {
    const ready = prepare(feed, chooseCoding(request.acceptEncoding), isBrowserTab(request.secFetchDest));
    const answers = answersFor(ready, maxAge());
    const conditions: Pick<IncomingHttpHeaders, "if-none-match" | "if-modified-since"> = {
      "if-none-match": request.ifNoneMatch,
      "if-modified-since": request.ifModifiedSince,
    };
    if (isNotModified(conditions, ready.etag, feed.lastModified)) return answers.notModified;
    return request.method === "GET" ? answers.ok : answers.okHead;
  }

  return {
    respond(request) {
      const variant = variantFor(request.target);
      if (variant instanceof HttpProblem) return variant;
      const cached = deps.feeds.cached(variant);
      if (cached) return answerWith(request, cached);
      return deps.feeds.render(variant).then((feed) => answerWith(request, feed));
    },
    reset: () => variants.clear(),
  };
}

function answersFor(ready: Prepared, maxAge: number): PreparedAnswers {
  if (ready.answers?.maxAge === maxAge) return ready.answers;
  const notModified = [...ready.common, "Cache-Control", `public, max-age=${maxAge}`];
  const ok = [...notModified, ...ready.full];
  const okHead = rawHead("200 OK", ok);
  ready.answers = {
    maxAge,
    notModified: { status: 304, head: rawHead("304 Not Modified", notModified), fields: notModified },
    ok: { status: 200, head: okHead, fields: ok, body: ready.body },
    okHead: { status: 200, head: okHead, fields: ok },
  };
  return ready.answers;
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
  const full = [
    "Content-Type",
    (tab ? tabType : undefined) ?? feed.contentType,
    "Content-Length",
    String(body.length),
    ...(coding === "identity" ? [] : ["Content-Encoding", coding]),
    ...(feed.lastModified === undefined ? [] : ["Last-Modified", new Date(feed.lastModified).toUTCString()]),
    "Link",
    linkHeaderValue(feed),
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
    answers: undefined,
  };
}
