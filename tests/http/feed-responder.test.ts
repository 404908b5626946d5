/**
 * The feed responder behind the server: a cached variant is answered synchronously from
 * header arrays built once, Cache-Control is recomputed at most once per clock second, and a
 * failure on either the synchronous or the rendering path is a 500 problem, never a crash.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { brotliCompressSync, gzipSync } from "node:zlib";
import express from "express";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import {
  createFeedResponder,
  type FeedAnswer,
  type FeedRequest,
  type FeedResponderDeps,
} from "../../src/http/feed-responder.js";
import { HttpProblem } from "../../src/http/problem.js";
import { createHttpServer } from "../../src/http/server.js";
import type { FeedService, RenderedFeed } from "../../src/publish/feed-service.js";
import type { FeedVariant } from "../../src/publish/feed-variant.js";
import { createRenderCache } from "../../src/publish/render-cache.js";

const T0 = Date.UTC(2026, 10, 25, 10, 0, 0);

function renderedFeed(variant: FeedVariant): RenderedFeed {
  const identity = Buffer.from("<rss/>");
  return {
    variant,
    contentType: "application/rss+xml; charset=utf-8",
    identity,
    gzip: gzipSync(identity),
    brotli: brotliCompressSync(identity),
    etags: { identity: '"t"', gzip: '"t-gz"', brotli: '"t-br"' },
    lastModified: T0,
    selfUrl: "https://news.example.org/feeds/world.rss",
    hubs: [],
    paging: {},
    itemCount: 0,
  };
}

/** A feed service whose cache always hits (or throws), so only the handler is under test. */
function fakeFeeds(
  cached: (variant: FeedVariant) => RenderedFeed | undefined,
  render: (variant: FeedVariant) => Promise<RenderedFeed>,
): FeedService {
  return {
    cached,
    render,
    invalidate: () => undefined,
    invalidateAll: () => undefined,
    cache: createRenderCache<RenderedFeed>(),
  };
}

describe("feed handler hot path", () => {
  let server: Server | undefined;

  async function serve(deps: FeedResponderDeps): Promise<string> {
    server = createHttpServer(express(), createFeedResponder(deps), pino({ level: "silent" }), () => Date.now());
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  it("asks for max-age at most once per clock second when given a clock", async () => {
    let now = T0;
    let asked = 0;
    const origin = await serve({
      feeds: fakeFeeds(renderedFeed, async (variant) => renderedFeed(variant)),
      categorySlugs: () => ["world"],
      maxAgeSeconds: () => 60 + asked++,
      clock: () => now,
    });
    for (let i = 0; i < 5; i++)
      expect((await fetch(`${origin}/feeds/world.rss`)).headers.get("cache-control")).toBe("public, max-age=60");
    now += 999;
    expect(
      (await fetch(`${origin}/feeds/world.rss`, { headers: { "if-none-match": '"t", "t-gz"' } })).headers.get(
        "cache-control",
      ),
    ).toBe("public, max-age=60");
    expect(asked).toBe(1);
    now += 1;
    const next = await fetch(`${origin}/feeds/world.rss`, { headers: { "if-none-match": '"t", "t-gz"' } });
    expect(next.status).toBe(304);
    expect(next.headers.get("cache-control")).toBe("public, max-age=61");
    expect((await fetch(`${origin}/feeds/world.rss`)).headers.get("cache-control")).toBe("public, max-age=61");
    expect(asked).toBe(2);
  });

  it("asks for max-age on every request without a clock", async () => {
    let asked = 0;
    const origin = await serve({
      feeds: fakeFeeds(renderedFeed, async (variant) => renderedFeed(variant)),
      categorySlugs: () => ["world"],
      maxAgeSeconds: () => 30 + asked++,
    });
    expect((await fetch(`${origin}/feeds/world.rss`)).headers.get("cache-control")).toBe("public, max-age=30");
    expect((await fetch(`${origin}/feeds/world.rss`)).headers.get("cache-control")).toBe("public, max-age=31");
  });

  it("answers 500 and keeps serving when the synchronous cache lookup throws", async () => {
    let fail = true;
    const origin = await serve({
      feeds: fakeFeeds(
        (variant) => {
          if (fail) throw new Error("cache exploded");
          return renderedFeed(variant);
        },
        async (variant) => renderedFeed(variant),
      ),
      categorySlugs: () => ["world"],
      maxAgeSeconds: () => 60,
    });
    const broken = await fetch(`${origin}/feeds/world.rss`);
    expect(broken.status).toBe(500);
    expect(broken.headers.get("content-type")).toBe("application/problem+json; charset=utf-8");
    fail = false;
    expect((await fetch(`${origin}/feeds/world.rss`)).status).toBe(200);
  });

  it("answers 500 when a render fails, then renders again", async () => {
    let fail = true;
    const origin = await serve({
      feeds: fakeFeeds(
        () => undefined,
        async (variant) => {
          if (fail) throw new Error("store unavailable");
          return renderedFeed(variant);
        },
      ),
      categorySlugs: () => ["world"],
      maxAgeSeconds: () => 60,
    });
    expect((await fetch(`${origin}/feeds/world.rss`)).status).toBe(500);
    fail = false;
    const ok = await fetch(`${origin}/feeds/world.rss`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("<rss/>");
  });
});

describe("feed responder answers", () => {
  const responder = createFeedResponder({
    feeds: fakeFeeds(renderedFeed, (variant) => Promise.resolve(renderedFeed(variant))),
    categorySlugs: () => ["world"],
    maxAgeSeconds: () => 60,
    clock: () => T0,
  });
  const respond = (request: Partial<FeedRequest>): FeedAnswer => {
    const answer = responder.respond({ method: "GET", target: "/feeds/world.rss", ...request });
    if (answer instanceof Promise || answer instanceof HttpProblem) throw new Error("expected a cached answer");
    return answer;
  };

  it("gives a GET the body, a HEAD the same fields without it, a 304 no body", () => {
    const get = respond({ acceptEncoding: "gzip" });
    const head = respond({ method: "HEAD", acceptEncoding: "gzip" });
    const notModified = respond({ acceptEncoding: "gzip", ifNoneMatch: '"t-gz"' });
    expect([get.status, head.status, notModified.status]).toEqual([200, 200, 304]);
    expect(get.body).toEqual(gzipSync(Buffer.from("<rss/>")));
    expect(head.body).toBeUndefined();
    expect(head.head).toEqual(get.head);
    expect(notModified.body).toBeUndefined();
    expect(notModified.head.toString("latin1")).toMatch(/^HTTP\/1\.1 304 Not Modified\r\nETag: "t-gz"\r\n/);
  });
});
