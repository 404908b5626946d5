import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { compileClassifier } from "../../src/classify/classifier.js";
import type { Source } from "../../src/model/index.js";
import type { Collector } from "../../src/sources/collector.js";
import { FetchError } from "../../src/sources/fetch.js";
import { openStore } from "../../src/store/open-store.js";
import type { Store } from "../../src/store/store.js";
import { createLimiter } from "../../src/shared/limiter.js";
import { createWorker, type Worker, type WorkerDeps, type WorkerPlan } from "../../src/worker/worker.js";
import { BUILT_IN_FETCH } from "../built-in-config.js";

const T0 = Date.parse("2026-11-25T10:00:00Z");
const WEEK = 7 * 86_400_000;
const source: Source = {
  id: "src",
  kind: "feed",
  url: "https://example.org/rss",
  schedule: { every: 600_000 },
  categories: [],
  enabled: true,
  retention: { maxItemsPerSource: 100, maxAgeMs: 90 * 86_400_000 },
};

describe("worker", () => {
  let store: Store;

  beforeEach(async () => {
    store = await openStore("sqlite::memory:", { clock: () => T0 });
  });
  afterEach(() => store.close());

  it("backs failing sources off by the configured policy, Retry-After clamped to its cap (bug: the worker always used the built-in 6 h cap)", async () => {
    // Upstream asks for a week; the configured cap is 5 minutes.
    const failing: Collector = async () => {
      throw new FetchError("fetch: https://example.org/rss: HTTP 503 (retry after 604800 s)", {
        httpStatus: 503,
        retryAfterMs: WEEK,
      });
    };
    const plan = (capMs: number): WorkerPlan => ({
      sources: [source],
      classify: compileClassifier([]),
      fetchOptions: BUILT_IN_FETCH,
      backoff: { baseMs: 60_000, capMs },
    });
    const worker = createWorker(plan(300_000), {
      store,
      collectors: { feed: failing, "html-ticker": failing, "html-articles": failing },
      clock: () => T0,
      random: () => 1,
      logger: pino({ level: "silent" }),
      limiter: createLimiter(1, 1),
      onResult: () => undefined,
    });

    await worker.runAll({ force: true });
    expect((await store.getSourceState("src"))?.nextAttemptAt).toBe(T0 + 300_000);

    // A live reload brings the new policy to the next run.
    worker.update(plan(120_000));
    await worker.runAll({ force: true });
    expect((await store.getSourceState("src"))?.nextAttemptAt).toBe(T0 + 120_000);
  });
});

/** A promise and the functions that settle it, for tests that wait on a signal from the code under test. */
function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const EMPTY_FEED = { items: [], warnings: [], notModified: false };

describe("worker runs", () => {
  let store: Store;
  const workers: Worker[] = [];

  beforeEach(async () => {
    store = await openStore("sqlite::memory:", { clock: () => T0 });
  });
  afterEach(async () => {
    for (const worker of workers.splice(0)) await worker.stop(1000);
    await store.close();
  });

  const plan = (sources: readonly Source[]): WorkerPlan => ({
    sources,
    classify: compileClassifier([]),
    fetchOptions: BUILT_IN_FETCH,
    backoff: { baseMs: 60_000, capMs: 300_000 },
  });
  const start = (sources: readonly Source[], feed: Collector, onResult: WorkerDeps["onResult"] = () => undefined) => {
    const worker = createWorker(plan(sources), {
      store,
      collectors: { feed, "html-ticker": feed, "html-articles": feed },
      clock: () => T0,
      random: () => 1,
      logger: pino({ level: "silent" }),
      limiter: createLimiter(4, 4),
      onResult,
    });
    workers.push(worker);
    return worker;
  };

  it("never overlaps a source with itself: a second request joins the run in flight", async () => {
    const gate = deferred();
    let calls = 0;
    const worker = start([source], async () => {
      calls++;
      await gate.promise;
      return EMPTY_FEED;
    });
    const first = worker.runSource("src", { force: true });
    const second = worker.runSource("src", { force: true });
    const pass = worker.runAll({ force: true });
    expect(second).toBe(first);
    gate.resolve();
    const [result] = await pass;
    expect(await first).toBe(result);
    expect(calls).toBe(1);
  });

  it("aborts the collects still running once stop's bound has passed", async () => {
    const called = deferred<AbortSignal | undefined>();
    const worker = start([source], (_source, ctx) => {
      called.resolve(ctx.signal);
      // Only an abort ends this collect, as a hung upstream would not.
      return new Promise((_resolve, reject) => {
        ctx.signal?.addEventListener("abort", () => reject(new Error("aborted")), { once: true });
      });
    });
    const run = worker.runSource("src", { force: true });
    const signal = await called.promise;
    expect(signal?.aborted).toBe(false);
    await worker.stop(10);
    expect(signal?.aborted).toBe(true);
    expect(await run).toMatchObject({ sourceId: "src", ok: false });
  });

  it("lets collects that finish within stop's bound finish unaborted", async () => {
    const called = deferred<AbortSignal | undefined>();
    const gate = deferred();
    const worker = start([source], async (_source, ctx) => {
      called.resolve(ctx.signal);
      await gate.promise;
      return EMPTY_FEED;
    });
    const run = worker.runSource("src", { force: true });
    const signal = await called.promise;
    const stopped = worker.stop(10_000);
    gate.resolve();
    await stopped;
    expect(signal?.aborted).toBe(false);
    expect(await run).toMatchObject({ sourceId: "src", ok: true });
  });

  it("runs an edited source at once with its new settings on a reload, and leaves an unchanged one alone", async () => {
    const fetched: string[] = [];
    const worker = start([source], async (running) => {
      fetched.push(running.url);
      return EMPTY_FEED;
    });
    worker.start();
    await worker.runSource("src"); // joins the run start() began
    expect(fetched).toEqual(["https://example.org/rss"]);

    // The same config again (a reload that changed only categories.yaml): no extra run.
    worker.update(plan([{ ...source }]));
    expect(worker.schedules()).toEqual([{ sourceId: "src", running: false, nextRunAt: expect.any(Number) as unknown }]);

    worker.update(plan([{ ...source, url: "https://example.org/world/rss" }]));
    expect(worker.schedules()[0]?.running).toBe(true);
    await worker.runSource("src");
    expect(fetched).toEqual(["https://example.org/rss", "https://example.org/world/rss"]);
  });

  it("logs a failing after-run hook and still resolves the run", async () => {
    const errors: string[] = [];
    const worker = createWorker(plan([source]), {
      store,
      collectors: {
        feed: async () => EMPTY_FEED,
        "html-ticker": async () => EMPTY_FEED,
        "html-articles": async () => EMPTY_FEED,
      },
      clock: () => T0,
      random: () => 1,
      logger: pino({ level: "error" }, { write: (line: string) => void errors.push(line) }),
      limiter: createLimiter(4, 4),
      onResult: () => {
        throw new Error("snapshot disk full");
      },
    });
    workers.push(worker);
    expect(await worker.runSource("src", { force: true })).toMatchObject({ sourceId: "src", ok: true });
    expect(errors.join("")).toMatch(
      /after-run hook failed.*snapshot disk full|snapshot disk full.*after-run hook failed/,
    );
    expect(worker.runSource("unknown")).toBeUndefined();
  });

  it("starts again after a stop that aborted a collect, with a fresh abort signal", async () => {
    const signals: Array<AbortSignal | undefined> = [];
    const worker = start([source], (_source, ctx) => {
      signals.push(ctx.signal);
      if (signals.length > 1) return Promise.resolve(EMPTY_FEED);
      return new Promise((_resolve, reject) => {
        ctx.signal?.addEventListener("abort", () => reject(new Error("aborted")), { once: true });
      });
    });
    worker.start();
    await worker.stop(10);
    expect(signals[0]?.aborted).toBe(true);
    worker.start();
    expect(worker.schedules()[0]?.running).toBe(true);
    expect(await worker.runSource("src")).toMatchObject({ skipped: true }); // the aborted run backs off
    expect(await worker.runSource("src", { force: true })).toMatchObject({ ok: true });
    expect(signals).toHaveLength(2);
    expect(signals[1]?.aborted).toBe(false);
  });

  it("hands new limits from a reload to the limiter", () => {
    const limits: Array<[number, number]> = [];
    const limiter = createLimiter(1, 1);
    const worker = createWorker(plan([source]), {
      store,
      collectors: {
        feed: async () => EMPTY_FEED,
        "html-ticker": async () => EMPTY_FEED,
        "html-articles": async () => EMPTY_FEED,
      },
      clock: () => T0,
      random: () => 1,
      logger: pino({ level: "silent" }),
      limiter: { run: (host, task) => limiter.run(host, task), setLimits: (...bounds) => void limits.push(bounds) },
      onResult: () => undefined,
    });
    worker.update({ ...plan([source]), concurrency: 6, perHost: 2 });
    expect(limits).toEqual([[6, 2]]);
  });
});
