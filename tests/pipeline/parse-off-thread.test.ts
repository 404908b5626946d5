/**
 * Issue 9 point 1, the part the markup limits leave: a page inside the limits can still take a
 * second or more to parse, and parsed on the thread that serves requests, every reader waits that
 * long. With the parse pool the serving thread stays responsive while a heavy page is collected —
 * the same page parsed inline stalls it for over a second on a 2-vCPU machine — and a document past
 * its time budget fails its source, which backs off, while the process carries on.
 */
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import pino from "pino";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { compileClassifier } from "../../src/classify/classifier.js";
import type { Source } from "../../src/model/index.js";
import { BUILT_IN_FETCH } from "../built-in-config.js";
import { createParsePool, type ParsePool } from "../../src/sources/parse-pool/parse-pool.js";
import { COLLECTORS } from "../../src/sources/registry.js";
import { openStore } from "../../src/store/open-store.js";
import type { Store } from "../../src/store/store.js";
import { collectSource, type CollectDeps } from "../../src/worker/collect-source.js";
import { buildParseThread, type ParseThreadBuild } from "../sources/parse-thread-build.js";

const T0 = Date.parse("2026-11-25T10:00:00Z");
const logger = pino({ level: "silent" });
/**
 * What the serving thread may be held for at a time while a collect runs. Parsed inline, the page
 * below held it 1.7–4 s on the shared 2-vCPU test machine; with the pool the worst seen was about
 * 150 ms, which a thread merely starting up on that machine (load average 10+) also causes.
 */
const MAX_STALL_MS = 250;

/** A ticker of 20 lines on a page of 30,000 elements: inside the markup limits, about 0.8 MB, seconds to parse. */
const HEAVY_TICKER =
  `<html><body><ul class="ticker">` +
  Array.from(
    { length: 20 },
    (_, i) => `<li><span>0${i % 10}:1${i % 6}</span> <a href="/n/${i}">Headline ${i} on markets in Casablanca</a></li>`,
  ).join("") +
  `</ul>` +
  Array.from(
    { length: 10_000 },
    (_, i) => `<div class="card"><p>Related ${i} <a href="/r/${i}">more</a></p></div>`,
  ).join("") +
  `</body></html>`;

function tickerSource(id: string, url: string): Source {
  return {
    id,
    kind: "html-ticker",
    url,
    schedule: { every: 600_000 },
    categories: ["world"],
    enabled: true,
    retention: { maxItemsPerSource: 100, maxAgeMs: 90 * 86_400_000 },
    timezone: "UTC",
    select: { item: "ul.ticker li", time: "span", title: "a", link: "a" },
  };
}

/**
 * How the serving side fares while `work` runs: the longest gap between ticks of a 5 ms timer
 * (how long the event loop was held), and the slowest round trip to a loopback HTTP server that
 * shares this thread, as a reader polling /healthz would see it.
 */
async function servingWhile<T>(
  work: () => Promise<T>,
): Promise<{ result: T; maxGapMs: number; maxRoundTripMs: number }> {
  const server = createServer((_req, res) => res.end("ok"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  let last = performance.now();
  let maxGapMs = 0;
  let nextTick: () => void = () => undefined;
  const ticker = setInterval(() => {
    const now = performance.now();
    maxGapMs = Math.max(maxGapMs, now - last);
    last = now;
    nextTick();
  }, 5);
  let maxRoundTripMs = 0;
  let polling = true;
  const poll = async (): Promise<void> => {
    while (polling) {
      const started = performance.now();
      await new Promise<void>((resolve, reject) =>
        request({ host: "127.0.0.1", port, path: "/healthz", agent: false }, (res) => {
          res.resume().on("end", resolve);
        })
          .on("error", reject)
          .end(),
      );
      maxRoundTripMs = Math.max(maxRoundTripMs, performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  const polled = poll();
  try {
    const result = await work();
    // A stall that ended just now is seen only when the timer fires and the request in flight returns.
    await new Promise<void>((resolve) => (nextTick = resolve));
    polling = false;
    await polled;
    return { result, maxGapMs, maxRoundTripMs };
  } finally {
    polling = false;
    clearInterval(ticker);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe("parsing upstream documents off the serving thread", () => {
  let build: ParseThreadBuild;
  let upstream: Server;
  let origin: string;
  let store: Store;
  let pool: ParsePool | undefined;

  const deps = (parsePool: ParsePool): CollectDeps => ({
    store,
    collectors: COLLECTORS,
    parse: parsePool.parse,
    classify: compileClassifier([{ slug: "world", title: "World", description: "", match: [], exclude: [] }]),
    clock: () => T0,
    fetchOptions: BUILT_IN_FETCH,
    backoff: { baseMs: 60_000, capMs: 3_600_000 },
    random: () => 0.5,
    logger,
  });
  const startPool = (budgetMs: number): ParsePool =>
    (pool = createParsePool({ threads: 1, maxQueue: 4, budgetMs, entry: build.entry, logger }));

  beforeAll(async () => {
    build = await buildParseThread();
    upstream = createServer((_request, response) =>
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(HEAVY_TICKER),
    );
    await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  }, 120_000);
  afterAll(async () => {
    await new Promise<void>((resolve) => upstream.close(() => resolve()));
    build.remove();
  });
  beforeEach(async () => {
    store = await openStore("sqlite::memory:", { clock: () => T0 });
  });
  afterEach(async () => {
    await pool?.close();
    await store.close();
  });

  it("keeps the serving thread answering within 250 ms while a heavy page is parsed", async () => {
    const parsePool = startPool(60_000);
    // The thread is started (once per process) before measuring: parsing is what is measured.
    await parsePool.parse("listing", {
      document: { url: `${origin}/warm`, bytes: Buffer.from("<a href=x>x</a>") },
      selector: "a",
    });
    const source = tickerSource("heavy", `${origin}/ticker.html`);
    const { result, maxGapMs, maxRoundTripMs } = await servingWhile(() => collectSource(source, deps(parsePool)));
    expect(result).toMatchObject({ ok: true, inserted: 20 });
    expect(maxGapMs).toBeLessThan(MAX_STALL_MS);
    expect(maxRoundTripMs).toBeLessThan(MAX_STALL_MS);
  });

  it("fails the source of a document past its time budget, backs it off, and keeps parsing others", async () => {
    const parsePool = startPool(50);
    const source = tickerSource("slow", `${origin}/ticker.html`);
    const result = await collectSource(source, deps(parsePool));
    expect(result).toMatchObject({ ok: false, failureStage: "parse" });
    expect(result.error).toBe(
      `parse-pool: gave up on the ticker-page document ${origin}/ticker.html after 50 ms (the per-document parse budget); its thread was replaced`,
    );
    const state = await store.getSourceState("slow");
    expect(state?.consecutiveFailures).toBe(1);
    expect(state?.nextAttemptAt).toBeGreaterThan(T0);
    // The next scheduled pass waits for the backoff instead of parsing the page again.
    expect((await collectSource(source, deps(parsePool))).skipped).toBe(true);
    // The thread that overran was replaced: with a budget it fits in, the same page is read.
    parsePool.setBudget(60_000);
    expect(await collectSource(tickerSource("other", `${origin}/ticker.html`), deps(parsePool))).toMatchObject({
      ok: true,
      inserted: 20,
    });
    expect(parsePool.stats()).toMatchObject({ replaced: 1, threads: 1 });
  });
});
