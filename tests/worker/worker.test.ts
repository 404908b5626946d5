import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { compileClassifier } from "../../src/classify/classifier.js";
import type { Source } from "../../src/model/index.js";
import type { Collector } from "../../src/sources/collector.js";
import { DEFAULT_FETCH_OPTIONS, FetchError } from "../../src/sources/fetch.js";
import { openStore } from "../../src/store/open-store.js";
import type { Store } from "../../src/store/store.js";
import { createLimiter } from "../../src/worker/limiter.js";
import { createWorker, type WorkerPlan } from "../../src/worker/worker.js";

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
      fetchOptions: DEFAULT_FETCH_OPTIONS,
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
