/**
 * The parse pool (issue 9 point 1): jobs run on worker threads and come back as they would inline —
 * the same items, the same error classes and messages — and every bound holds: a document past
 * its time budget fails and its thread is replaced, a full queue refuses at once, close ends all.
 */
import pino from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { FetchedDocument } from "../../src/sources/fetched-document.js";
import { ArticlesError } from "../../src/sources/html-articles/articles-error.js";
import { MarkupLimitError } from "../../src/sources/markup-limits.js";
import { parseInline } from "../../src/sources/parse-jobs.js";
import { createParsePool, defaultParseThreads, type ParsePool } from "../../src/sources/parse-pool/parse-pool.js";
import { ParseBudgetError, ParsePoolError } from "../../src/sources/parse-pool/parse-pool-error.js";
import { isRefusedInput } from "../../src/sources/refused-input.js";
import { buildParseThread, type ParseThreadBuild } from "./parse-thread-build.js";

const NOW = Date.parse("2026-11-25T10:00:00Z");
const logger = pino({ level: "silent" });

const doc = (url: string, text: string, contentType = "text/html; charset=utf-8"): FetchedDocument => ({
  url,
  bytes: Buffer.from(text),
  contentType,
});

const FEED = doc(
  "https://news.example.org/rss",
  `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://news.example.org/</link>` +
    `<item><title>Rabat &amp; Fes</title><link>/a</link><pubDate>Wed, 25 Nov 2026 08:00:00 GMT</pubDate>` +
    `<description><![CDATA[<p onclick="x()">Hello <a href="/b">there</a><script>bad()</script></p>]]></description></item>` +
    `</channel></rss>`,
  "application/rss+xml",
);
const nested = (depth: number): string => "<div>".repeat(depth) + "deep" + "</div>".repeat(depth);
/** A listing inside the markup limits that still takes a while to read (about 30,000 elements). */
const HEAVY_LISTING = doc(
  "https://news.example.org/heavy",
  `<html><body>${Array.from({ length: 10_000 }, (_, i) => `<div><p>Story ${i} <a href="/s/${i}">read</a></p></div>`).join("")}</body></html>`,
);

async function until(check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

let build: ParseThreadBuild;
const pools: ParsePool[] = [];
const pool = (options: Partial<Parameters<typeof createParsePool>[0]> = {}): ParsePool => {
  const created = createParsePool({
    threads: 1,
    maxQueue: 8,
    budgetMs: 30_000,
    entry: build.entry,
    logger,
    ...options,
  });
  pools.push(created);
  return created;
};

beforeAll(async () => {
  build = await buildParseThread();
}, 120_000);
afterEach(async () => {
  await Promise.all(pools.splice(0).map((created) => created.close()));
});
afterAll(() => build.remove());

describe("the parse pool", () => {
  it("reads a feed on a thread into exactly the items an inline read gives", async () => {
    const input = { document: FEED, sourceId: "s", now: NOW, maxBytes: 1 << 20 };
    const threaded = await pool().parse("feed", input);
    expect(threaded).toEqual(await parseInline("feed", input));
    expect(threaded.items[0]).toMatchObject({
      title: "Rabat & Fes",
      url: "https://news.example.org/a",
      contentHtml: '<p>Hello <a href="https://news.example.org/b">there</a></p>',
    });
  });

  it("brings an error back with its class, message and cause, so a refused page still counts as refused", async () => {
    const listing = doc("https://news.example.org/deep", `<html><body>${nested(2_000)}</body></html>`);
    const error: unknown = await pool()
      .parse("listing", { document: listing })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ArticlesError);
    expect((error as Error).message).toBe(
      "html-articles: refused https://news.example.org/deep: markup: page refused before parsing: elements nested more than 512 deep",
    );
    expect((error as Error).cause).toBeInstanceOf(MarkupLimitError);
    expect(isRefusedInput(error)).toBe(true);
  });

  it("fails a document past its time budget, replaces its thread, and reads the next document", async () => {
    const parsePool = pool({ budgetMs: 30 });
    const error: unknown = await parsePool
      .parse("listing", { document: HEAVY_LISTING, selector: "a" })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ParseBudgetError);
    expect((error as Error).message).toBe(
      "parse-pool: gave up on the listing document https://news.example.org/heavy after 30 ms (the per-document parse budget); its thread was replaced",
    );
    expect(isRefusedInput(error)).toBe(true);
    expect(parsePool.stats()).toMatchObject({ replaced: 1, busy: 0 });
    parsePool.setBudget(30_000);
    expect(
      (await parsePool.parse("feed", { document: FEED, sourceId: "s", now: NOW, maxBytes: 1 << 20 })).items,
    ).toHaveLength(1);
  });

  it("refuses a document at once when the queue is full, naming it", async () => {
    const parsePool = pool({ threads: 1, maxQueue: 2 });
    const input = { document: FEED, sourceId: "s", now: NOW, maxBytes: 1 << 20 };
    const first = parsePool.parse("feed", input);
    const second = parsePool.parse("feed", input);
    const refused = doc("https://news.example.org/third", "<p>x</p>");
    await expect(parsePool.parse("listing", { document: refused, selector: "a" })).rejects.toThrow(
      new ParsePoolError(
        "parse-pool: 2 documents already wait for a parse thread; https://news.example.org/third was not read",
      ),
    );
    expect((await first).items).toHaveLength(1);
    expect((await second).items).toHaveLength(1);
  });

  it("on close fails running and waiting documents, stops its threads and refuses new ones", async () => {
    const parsePool = pool({ threads: 1 });
    const outcome = (job: Promise<unknown>): Promise<unknown> => job.catch((error: unknown) => error);
    const running = outcome(parsePool.parse("listing", { document: HEAVY_LISTING, selector: "a" }));
    await until(() => parsePool.stats().busy === 1);
    const waiting = outcome(parsePool.parse("listing", { document: HEAVY_LISTING, selector: "a" }));
    await parsePool.close();
    expect(await running).toEqual(
      new ParsePoolError("parse-pool: closed while reading the listing document https://news.example.org/heavy"),
    );
    expect(await waiting).toEqual(new ParsePoolError("parse-pool: closed while the document waited"));
    expect(parsePool.stats()).toMatchObject({ threads: 0, busy: 0, queued: 0 });
    await expect(parsePool.parse("feed", { document: FEED, sourceId: "s", now: NOW, maxBytes: 1 })).rejects.toThrow(
      "parse-pool: closed; cannot read https://news.example.org/rss",
    );
  });

  it("fails waiting documents when its thread cannot start, instead of restarting it for ever", async () => {
    const parsePool = pool({ entry: new URL("./no-such-parse-thread.js", build.entry) });
    const error: unknown = await parsePool
      .parse("feed", { document: FEED, sourceId: "s", now: NOW, maxBytes: 1 << 20 })
      .catch((caught: unknown) => caught);
    expect(error).toEqual(new ParsePoolError("parse-pool: a parse thread could not start"));
    expect(parsePool.stats()).toMatchObject({ threads: 0, queued: 0, replaced: 1 });
  });

  it("uses the cores beyond the serving one, at least one thread and at most two", () => {
    expect([1, 2, 3, 8].map((cores) => defaultParseThreads(cores))).toEqual([1, 1, 2, 2]);
  });
});
