import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { compileClassifier } from "../../src/classify/classifier.js";
import type { CollectedItem, Source } from "../../src/model/index.js";
import type { Collector, CollectOutcome } from "../../src/sources/collector.js";
import { FetchError } from "../../src/sources/fetch.js";
import { openStore } from "../../src/store/open-store.js";
import type { Store } from "../../src/store/store.js";
import { collectSource, type CollectDeps } from "../../src/worker/collect-source.js";
import { BUILT_IN_FETCH } from "../built-in-config.js";

const T0 = Date.parse("2026-11-25T10:00:00Z");
const source: Source = {
  id: "src",
  kind: "feed",
  url: "https://example.org/rss",
  schedule: { every: 600_000 },
  categories: ["world"],
  enabled: true,
  retention: { maxItemsPerSource: 100, maxAgeMs: 90 * 86_400_000 },
};
const item = (id: string): CollectedItem => ({
  id,
  sourceId: "src",
  kind: "article",
  title: `Story ${id}`,
  authors: [],
  tags: [],
  enclosures: [],
  published: T0 - 3_600_000,
});

describe("collectSource", () => {
  let store: Store;
  let now = T0;
  let outcome: () => Promise<CollectOutcome>;

  const deps = (): CollectDeps => {
    const collector: Collector = () => outcome();
    return {
      store,
      collectors: { feed: collector, "html-ticker": collector, "html-articles": collector },
      classify: compileClassifier([{ slug: "world", title: "World", description: "", match: [], exclude: [] }]),
      clock: () => now,
      fetchOptions: BUILT_IN_FETCH,
      backoff: { baseMs: 60_000, capMs: 3_600_000 },
      random: () => 0.5,
      logger: pino({ level: "silent" }),
    };
  };

  beforeEach(async () => {
    now = T0;
    store = await openStore("sqlite::memory:", { clock: () => now });
  });
  afterEach(() => store.close());

  it("stores classified items and reports the changed categories", async () => {
    outcome = async () => ({ items: [item("a"), item("b")], warnings: [], notModified: false, etag: '"v1"' });
    const result = await collectSource(source, deps());
    expect(result).toMatchObject({ ok: true, inserted: 2, updated: 0, changed: true, changedCategories: ["world"] });
    const state = await store.getSourceState("src");
    expect(state).toMatchObject({ consecutiveFailures: 0, etag: '"v1"', lastSuccessAt: T0 });
  });

  it("records a failure with backoff and skips the source until then", async () => {
    outcome = async () => {
      throw new FetchError("fetch: https://example.org/rss: HTTP 503", { cause: new Error("busy") });
    };
    const failed = await collectSource(source, deps());
    expect(failed.ok).toBe(false);
    expect(failed.error).toContain("HTTP 503");
    const state = await store.getSourceState("src");
    expect(state?.consecutiveFailures).toBe(1);
    expect(state?.lastError).toContain("HTTP 503");
    expect(state?.nextAttemptAt).toBeGreaterThan(T0);

    outcome = async () => ({ items: [item("a")], warnings: [], notModified: false });
    now = T0 + 1000;
    expect((await collectSource(source, deps())).skipped).toBe(true);
    expect((await collectSource(source, deps(), { force: true })).inserted).toBe(1);
    expect((await store.getSourceState("src"))?.consecutiveFailures).toBe(0);
  });

  it("keeps validators and items on 304 Not Modified", async () => {
    outcome = async () => ({
      items: [item("a")],
      warnings: [],
      notModified: false,
      etag: '"v1"',
      lastModified: "Wed, 25 Nov 2026 09:00:00 GMT",
    });
    await collectSource(source, deps());
    outcome = async () => ({ items: [], warnings: [], notModified: true });
    const result = await collectSource(source, deps());
    expect(result).toMatchObject({ ok: true, notModified: true, changed: false });
    expect(await store.getSourceState("src")).toMatchObject({
      etag: '"v1"',
      lastModified: "Wed, 25 Nov 2026 09:00:00 GMT",
    });
    expect((await store.queryFeed({ categories: [], limit: 50, page: 1 })).items).toHaveLength(1);
  });

  it("does not churn an unchanged upstream through retention (bug: items beyond max_items or older than max_age were inserted, pruned and re-inserted every pass)", async () => {
    const tight: Source = { ...source, retention: { maxItemsPerSource: 3, maxAgeMs: 7 * 86_400_000 } };
    const dated = (id: string, hoursAgo: number): CollectedItem => ({
      ...item(id),
      published: T0 - hoursAgo * 3_600_000,
    });
    // Five recent items (two beyond max_items), two older than max_age, one listed twice.
    const upstream = [
      dated("a", 1),
      dated("b", 2),
      dated("c", 3),
      dated("d", 4),
      dated("e", 5),
      dated("old-1", 8 * 24),
      dated("old-2", 30 * 24),
      dated("a", 1),
    ];
    outcome = async () => ({ items: upstream, warnings: [], notModified: false });

    const first = await collectSource(tight, deps());
    expect(first).toMatchObject({ ok: true, inserted: 3, removed: 0, changed: true });
    expect((await store.queryFeed({ categories: [], limit: 50, page: 1 })).items.map((stored) => stored.id)).toEqual([
      "a",
      "b",
      "c",
    ]);
    const revision = await store.revision();

    now = T0 + 600_000;
    const second = await collectSource(tight, deps());
    expect(second).toMatchObject({
      ok: true,
      inserted: 0,
      updated: 0,
      removed: 0,
      changed: false,
      changedCategories: [],
    });
    expect(await store.revision()).toBe(revision);
  });
});
