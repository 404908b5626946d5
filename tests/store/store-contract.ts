import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ClassifiedItem, FeedQuery, StoredItem } from "../../src/model/index.js";
import {
  StoreError,
  type ChangeWatch,
  type ItemToReclassify,
  type SourceRunRecord,
  type Store,
  type StoreChange,
  type WebSubSubscription,
} from "../../src/store/store.js";
import { RUN_HISTORY_LENGTH } from "../../src/store/rows/run-history.js";

/** Overrides where `undefined` means "without this field". */
type Overrides<T> = { [K in keyof T]?: T[K] | undefined };

/** A realistic small item; override what a test is about (`url: undefined` leaves the URL out). */
export function makeItem(id: string, overrides: Overrides<ClassifiedItem> = {}): ClassifiedItem {
  const item = {
    id,
    sourceId: "walaw-world",
    kind: "article",
    url: `https://example.org/news/${encodeURIComponent(id)}`,
    title: `Story ${id}`,
    summary: `Summary of ${id}`,
    authors: [],
    tags: [],
    enclosures: [],
    categories: ["world"],
    ...overrides,
  };
  return Object.fromEntries(
    Object.entries(item).filter(([, value]) => value !== undefined),
  ) as unknown as ClassifiedItem;
}

function run(sourceId: string, at: number, extra: Partial<SourceRunRecord> = {}): SourceRunRecord {
  return { sourceId, at, ...extra };
}

function feed(overrides: Partial<FeedQuery> = {}): FeedQuery {
  return { categories: [], limit: 50, page: 1, ...overrides };
}

function ids(items: readonly StoredItem[]): string[] {
  return items.map((item) => item.id);
}

/**
 * Every change a watch reports, and a way to wait until it has reported `count` in all: at most
 * a few seconds (PostgreSQL delivers its own notifications asynchronously), after which the test's
 * assertion on `seen` says what is missing instead of the test timing out.
 */
function changeRecorder(): {
  readonly seen: StoreChange[];
  readonly listener: (change: StoreChange) => void;
  readonly reported: (count: number) => Promise<void>;
} {
  const seen: StoreChange[] = [];
  const waiting: Array<{ readonly count: number; readonly resolve: () => void }> = [];
  return {
    seen,
    listener: (change) => {
      seen.push(change);
      for (const waiter of waiting.filter((entry) => seen.length >= entry.count)) {
        waiting.splice(waiting.indexOf(waiter), 1);
        waiter.resolve();
      }
    },
    reported: (count) =>
      seen.length >= count
        ? Promise.resolve()
        : new Promise((resolve) => {
            const timer = setTimeout(resolve, 5_000);
            waiting.push({ count, resolve: () => (clearTimeout(timer), resolve()) });
          }),
  };
}

/**
 * The behaviour every Store implementation must have. `makeStore` returns a fresh, empty,
 * migrated store; the suite closes it after each test. `openPeer` opens another instance over the
 * database `makeStore` last made (another process's connection, as `npm run collect` has); the
 * suite closes it too.
 */
export function describeStoreContract(
  name: string,
  makeStore: () => Promise<Store>,
  openPeer: () => Promise<Store>,
): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;

    beforeEach(async () => {
      store = await makeStore();
    });

    afterEach(async () => {
      await store.close();
    });

    describe("commitRun", () => {
      it("stores every field of an item and reads it back unchanged", async () => {
        const full = makeItem("urn:full", {
          kind: "ticker",
          contentHtml: '<p>Body with <a href="https://example.org/x">link</a></p>',
          authors: [
            { name: "Amina El Idrissi", email: "amina@example.org", url: "https://example.org/amina" },
            { name: "Desk" },
          ],
          tags: ["Économie", "Maroc"],
          enclosures: [
            { url: "https://example.org/a.mp3", type: "audio/mpeg", length: 1234 },
            { url: "https://example.org/b.jpg", type: "image/jpeg" },
          ],
          imageUrl: "https://example.org/lead.jpg",
          language: "fr",
          published: 1_700_000_000_000,
          updated: 1_700_000_100_000,
          categories: ["world", "morocco-economy"],
        });
        await store.commitRun(run("walaw-world", 1_700_000_200_000), [full], 1_700_000_200_000);

        const { items } = await store.queryFeed(feed());
        expect(items).toHaveLength(1);
        const stored = items[0];
        expect(stored).toEqual({
          ...full,
          categories: ["morocco-economy", "world"],
          published: 1_700_000_000_000,
          updated: 1_700_000_100_000,
          firstSeen: 1_700_000_200_000,
          changedAt: 1_700_000_200_000,
        });
        // Optional fields that were absent stay absent instead of coming back as null.
        const bare = makeItem("urn:bare", { url: undefined, summary: undefined, published: 5 });
        await store.commitRun(run("walaw-world", 10), [bare], 10);
        const bareStored = (await store.queryFeed(feed())).items.find((i) => i.id === "urn:bare");
        expect(bareStored).toBeDefined();
        expect(bareStored && "url" in bareStored).toBe(false);
        expect(bareStored && "contentHtml" in bareStored).toBe(false);
      });

      it("is idempotent: the same story twice is one row, counted unchanged the second time", async () => {
        const story = makeItem("urn:a", { published: 1_000 });
        const first = await store.commitRun(run("walaw-world", 2_000), [story], 2_000);
        expect(first).toEqual({ inserted: ["urn:a"], updated: [], unchanged: 0, changedCategories: ["world"] });

        const second = await store.commitRun(run("walaw-world", 3_000), [{ ...story }], 3_000);
        expect(second).toEqual({ inserted: [], updated: [], unchanged: 1, changedCategories: [] });

        const { items } = await store.queryFeed(feed());
        expect(ids(items)).toEqual(["urn:a"]);
        expect(items[0]?.changedAt).toBe(2_000);
      });

      it("stores an id listed twice in one run once", async () => {
        const result = await store.commitRun(
          run("walaw-world", 2_000),
          [makeItem("urn:dup", { title: "First copy" }), makeItem("urn:dup", { title: "Second copy" })],
          2_000,
        );
        expect(result.inserted).toEqual(["urn:dup"]);
        expect(result.updated).toEqual([]);
        const { items } = await store.queryFeed(feed());
        expect(items.map((i) => i.title)).toEqual(["First copy"]);
      });

      it("updates a changed item's content and `updated`, keeping `published` and `firstSeen`", async () => {
        await store.commitRun(run("walaw-world", 2_000), [makeItem("urn:a", { published: 1_000 })], 2_000);

        const changed = await store.commitRun(
          run("walaw-world", 5_000),
          [makeItem("urn:a", { published: 1_500, title: "Corrected headline" })],
          5_000,
        );
        expect(changed.updated).toEqual(["urn:a"]);
        expect(changed.inserted).toEqual([]);
        expect(changed.changedCategories).toEqual(["world"]);

        const [stored] = (await store.queryFeed(feed())).items;
        expect(stored).toMatchObject({
          title: "Corrected headline",
          published: 1_000,
          firstSeen: 2_000,
          updated: 5_000,
          changedAt: 5_000,
        });
      });

      it("takes `updated` from upstream when given, never earlier than `published`", async () => {
        await store.commitRun(run("s", 2_000), [makeItem("urn:u", { sourceId: "s", published: 1_000 })], 2_000);
        await store.commitRun(
          run("s", 6_000),
          [makeItem("urn:u", { sourceId: "s", published: 1_000, updated: 4_000, title: "v2" })],
          6_000,
        );
        expect((await store.queryFeed(feed())).items[0]).toMatchObject({ updated: 4_000, changedAt: 6_000 });

        await store.commitRun(
          run("s", 7_000),
          [makeItem("urn:u", { sourceId: "s", published: 1_000, updated: 500, title: "v3" })],
          7_000,
        );
        expect((await store.queryFeed(feed())).items[0]).toMatchObject({
          published: 1_000,
          updated: 1_000,
          changedAt: 7_000,
        });

        await store.commitRun(
          run("s", 8_000),
          [makeItem("urn:new", { sourceId: "s", published: 3_000, updated: 2_000 })],
          8_000,
        );
        const fresh = (await store.queryFeed(feed())).items.find((i) => i.id === "urn:new");
        expect(fresh).toMatchObject({ published: 3_000, updated: 3_000 });
      });

      it("gives an undated item its first-seen time once and keeps it on later passes", async () => {
        const undated = makeItem("urn:undated", { published: undefined });
        await store.commitRun(run("walaw-world", 1_000), [undated], 1_000);
        expect((await store.queryFeed(feed())).items[0]).toMatchObject({
          published: 1_000,
          updated: 1_000,
          firstSeen: 1_000,
        });

        const again = await store.commitRun(run("walaw-world", 50_000), [undated], 50_000);
        expect(again.unchanged).toBe(1);
        expect((await store.queryFeed(feed())).items[0]).toMatchObject({
          published: 1_000,
          updated: 1_000,
          firstSeen: 1_000,
          changedAt: 1_000,
        });

        await store.commitRun(
          run("walaw-world", 90_000),
          [{ ...undated, summary: "Now with a longer summary" }],
          90_000,
        );
        expect((await store.queryFeed(feed())).items[0]).toMatchObject({
          published: 1_000,
          firstSeen: 1_000,
          updated: 90_000,
          changedAt: 90_000,
        });
      });

      it("replaces categories when only they changed and reports old and new slugs", async () => {
        await store.commitRun(
          run("walaw-world", 1_000),
          [makeItem("urn:c", { published: 100, categories: ["world", "technology"] })],
          1_000,
        );
        const result = await store.commitRun(
          run("walaw-world", 2_000),
          [makeItem("urn:c", { published: 100, categories: ["world", "morocco-economy"] })],
          2_000,
        );
        expect(result.updated).toEqual(["urn:c"]);
        expect(result.changedCategories).toEqual(["morocco-economy", "technology", "world"]);
        expect(ids((await store.queryFeed(feed({ categories: ["technology"] }))).items)).toEqual([]);
        const [stored] = (await store.queryFeed(feed({ categories: ["morocco-economy"] }))).items;
        expect(stored).toMatchObject({
          id: "urn:c",
          categories: ["morocco-economy", "world"],
          changedAt: 2_000,
          updated: 100,
        });
      });

      it("treats categories as a set: order and repeats are not a change", async () => {
        await store.commitRun(
          run("walaw-world", 1_000),
          [makeItem("urn:s", { categories: ["world", "technology"] })],
          1_000,
        );
        const result = await store.commitRun(
          run("walaw-world", 2_000),
          [makeItem("urn:s", { categories: ["technology", "world", "world"] })],
          2_000,
        );
        expect(result).toMatchObject({ updated: [], unchanged: 1 });
      });

      it("lets a second source carrying the same id add its categories without taking the story over", async () => {
        await store.commitRun(
          run("walaw-world", 1_000),
          [makeItem("urn:shared", { published: 100, categories: ["world"] })],
          1_000,
        );
        const fromEconomy = makeItem("urn:shared", {
          sourceId: "walaw-economy",
          published: 100,
          summary: "The economy feed's shorter summary",
          categories: ["morocco-economy"],
        });
        const first = await store.commitRun(run("walaw-economy", 2_000), [fromEconomy], 2_000);
        expect(first).toMatchObject({ updated: ["urn:shared"], changedCategories: ["morocco-economy", "world"] });

        // Regression: each source's pass used to replace the other's categories, flipping the row forever.
        const passes = [
          await store.commitRun(run("walaw-economy", 3_000), [fromEconomy], 3_000),
          await store.commitRun(
            run("walaw-world", 4_000),
            [makeItem("urn:shared", { published: 100, categories: ["world"] })],
            4_000,
          ),
          await store.commitRun(run("walaw-economy", 5_000), [fromEconomy], 5_000),
        ];
        expect(passes.map((p) => p.unchanged)).toEqual([1, 1, 1]);

        const { items } = await store.queryFeed(feed());
        expect(items).toHaveLength(1);
        expect(items[0]).toMatchObject({
          sourceId: "walaw-world",
          summary: "Summary of urn:shared",
          categories: ["morocco-economy", "world"],
          changedAt: 2_000,
        });

        // A source that stops classifying the story into a category withdraws only its own share.
        const withdrawn = await store.commitRun(
          run("walaw-economy", 6_000),
          [{ ...fromEconomy, categories: [] }],
          6_000,
        );
        expect(withdrawn.changedCategories).toEqual(["morocco-economy", "world"]);
        expect((await store.queryFeed(feed())).items[0]?.categories).toEqual(["world"]);
      });

      it("reports inserted and changed categories, not those of unchanged items", async () => {
        await store.commitRun(
          run("s", 1_000),
          [makeItem("urn:old", { sourceId: "s", categories: ["technology"] })],
          1_000,
        );
        const result = await store.commitRun(
          run("s", 2_000),
          [
            makeItem("urn:old", { sourceId: "s", categories: ["technology"] }),
            makeItem("urn:new", { sourceId: "s", categories: ["world", "morocco-economy"] }),
          ],
          2_000,
        );
        expect(result).toEqual({
          inserted: ["urn:new"],
          updated: [],
          unchanged: 1,
          changedCategories: ["morocco-economy", "world"],
        });
      });

      it("rejects with a StoreError on an item the store cannot hold, writing nothing of the run", async () => {
        const broken = { ...makeItem("urn:broken"), kind: "podcast" } as unknown as ClassifiedItem;
        await expect(store.commitRun(run("s", 1_000), [makeItem("urn:fine"), broken], 1_000)).rejects.toBeInstanceOf(
          StoreError,
        );
        expect(await store.knownIds(["urn:fine", "urn:broken"])).toEqual(new Set());
        expect(await store.getSourceState("s")).toBeUndefined();
      });
    });

    describe("queryFeed", () => {
      beforeEach(async () => {
        await store.commitRun(
          run("s", 10_000),
          [
            makeItem("a", { sourceId: "s", published: 4_000, categories: ["world"] }),
            makeItem("b", { sourceId: "s", published: 3_000, categories: ["technology"] }),
            makeItem("c", { sourceId: "s", published: 2_000, categories: ["world", "technology"], kind: "ticker" }),
            makeItem("d", { sourceId: "s", published: 1_000, categories: ["morocco-economy"] }),
            makeItem("e", { sourceId: "s", published: 500, categories: [] }),
          ],
          10_000,
        );
      });

      it("returns every item, newest first, for no categories", async () => {
        const page = await store.queryFeed(feed());
        expect(ids(page.items)).toEqual(["a", "b", "c", "d", "e"]);
        expect(page.hasMore).toBe(false);
      });

      it("returns one category's items with their categories filled", async () => {
        const { items } = await store.queryFeed(feed({ categories: ["technology"] }));
        expect(ids(items)).toEqual(["b", "c"]);
        expect(items.map((i) => i.categories)).toEqual([["technology"], ["technology", "world"]]);
      });

      it("unions categories without returning an item twice", async () => {
        const { items } = await store.queryFeed(feed({ categories: ["world", "technology"] }));
        expect(ids(items)).toEqual(["a", "b", "c"]);
        const three = await store.queryFeed(
          feed({ categories: ["world", "technology", "morocco-economy", "nothing-here"] }),
        );
        expect(ids(three.items)).toEqual(["a", "b", "c", "d"]);
      });

      it("filters by kind, alone and with categories", async () => {
        expect(ids((await store.queryFeed(feed({ kind: "ticker" }))).items)).toEqual(["c"]);
        expect(ids((await store.queryFeed(feed({ kind: "article" }))).items)).toEqual(["a", "b", "d", "e"]);
        expect(ids((await store.queryFeed(feed({ kind: "article", categories: ["world"] }))).items)).toEqual(["a"]);
        expect(
          ids((await store.queryFeed(feed({ kind: "article", categories: ["world", "technology"] }))).items),
        ).toEqual(["a", "b"]);
      });

      it("honours the limit and says whether more exists", async () => {
        const page = await store.queryFeed(feed({ limit: 2 }));
        expect(ids(page.items)).toEqual(["a", "b"]);
        expect(page.hasMore).toBe(true);
        const exact = await store.queryFeed(feed({ limit: 5 }));
        expect(exact.items).toHaveLength(5);
        expect(exact.hasMore).toBe(false);
      });

      it("rejects an out-of-range limit or page with a StoreError", async () => {
        await expect(store.queryFeed(feed({ limit: 0 }))).rejects.toBeInstanceOf(StoreError);
        await expect(store.queryFeed(feed({ limit: 501 }))).rejects.toBeInstanceOf(StoreError);
        await expect(store.queryFeed(feed({ page: 0 }))).rejects.toBeInstanceOf(StoreError);
        await expect(store.queryFeed(feed({ limit: 2.5 }))).rejects.toBeInstanceOf(StoreError);
      });
    });

    describe("paging", () => {
      // 23 items, many sharing a published time, so only the id tie-break keeps the order stable.
      const many = Array.from({ length: 23 }, (_, n) =>
        makeItem(`item-${String(n).padStart(2, "0")}`, {
          sourceId: "s",
          published: 1_000 * Math.floor(n / 4),
          categories: n % 3 === 0 ? ["world", "technology"] : n % 3 === 1 ? ["world"] : ["technology"],
        }),
      );

      async function walk(query: Omit<FeedQuery, "page">): Promise<{ seen: string[]; pages: number }> {
        const seen: string[] = [];
        for (let page = 1; ; page += 1) {
          const result = await store.queryFeed({ ...query, page });
          seen.push(...ids(result.items));
          if (!result.hasMore) return { seen, pages: page };
          expect(result.items).toHaveLength(query.limit);
        }
      }

      it.each([
        { label: "all", categories: [] },
        { label: "one category", categories: ["world"] },
        { label: "a union", categories: ["world", "technology"] },
      ])("returns every item exactly once across pages, in a stable order ($label)", async ({ categories }) => {
        await store.commitRun(run("s", 99_000), many, 99_000);
        const expected = many
          .filter((i) => categories.length === 0 || i.categories.some((c) => categories.includes(c)))
          .sort((x, y) => (y.published ?? 0) - (x.published ?? 0) || (x.id < y.id ? 1 : -1))
          .map((i) => i.id);

        const { seen, pages } = await walk({ categories, limit: 5 });
        expect(seen).toEqual(expected);
        expect(new Set(seen).size).toBe(seen.length);
        expect(pages).toBe(Math.max(1, Math.ceil(expected.length / 5)));
        expect((await walk({ categories, limit: 5 })).seen).toEqual(seen);
      });

      it.each([
        { label: "all", categories: [] },
        { label: "one category", categories: ["world"] },
        { label: "a union", categories: ["world", "technology"] },
      ])(
        "returns every item exactly once following `before` cursors, ties on published included ($label)",
        async ({ categories }) => {
          await store.commitRun(run("s", 99_000), many, 99_000);
          const byPage = await walk({ categories, limit: 5 });
          const seen: string[] = [];
          let before: FeedQuery["before"];
          for (let step = 0; step < 100; step++) {
            const result = await store.queryFeed(feed({ categories, limit: 5, ...(before ? { before } : {}) }));
            seen.push(...ids(result.items));
            const last = result.items.at(-1);
            if (!result.hasMore || !last) break;
            before = { published: last.published, id: last.id };
          }
          expect(seen).toEqual(byPage.seen);
        },
      );

      it("refuses a query with both a page number and a cursor", async () => {
        await expect(store.queryFeed(feed({ page: 2, before: { published: 1, id: "x" } }))).rejects.toBeInstanceOf(
          StoreError,
        );
      });

      it("returns an empty last page past the end", async () => {
        await store.commitRun(run("s", 99_000), many, 99_000);
        const past = await store.queryFeed(feed({ limit: 10, page: 4 }));
        expect(past).toEqual({ items: [], hasMore: false });
      });
    });

    describe("source state", () => {
      it("records success and failure counters, keeping the last error as history", async () => {
        expect(await store.getSourceState("s")).toBeUndefined();

        await store.commitRun(run("s", 1_000), [makeItem("x1", { sourceId: "s" })], 1_000);
        expect(await store.getSourceState("s")).toEqual({
          sourceId: "s",
          lastRunAt: 1_000,
          lastSuccessAt: 1_000,
          consecutiveFailures: 0,
          itemsCollected: 1,
          warnings: [],
        });

        await store.commitRun(run("s", 2_000, { error: "fetch: upstream answered 503" }), [], 2_000);
        await store.commitRun(run("s", 3_000, { error: "fetch: upstream timed out" }), [], 3_000);
        expect(await store.getSourceState("s")).toMatchObject({
          lastRunAt: 3_000,
          lastSuccessAt: 1_000,
          lastError: "fetch: upstream timed out",
          lastErrorAt: 3_000,
          consecutiveFailures: 2,
          itemsCollected: 1,
        });

        await store.commitRun(
          run("s", 4_000),
          [makeItem("x1", { sourceId: "s" }), makeItem("x2", { sourceId: "s" })],
          4_000,
        );
        expect(await store.getSourceState("s")).toMatchObject({
          lastRunAt: 4_000,
          lastSuccessAt: 4_000,
          consecutiveFailures: 0,
          lastError: "fetch: upstream timed out",
          lastErrorAt: 3_000,
          itemsCollected: 2,
        });
      });

      it("keeps the items a failed run still delivered", async () => {
        const result = await store.commitRun(
          run("s", 1_000, { error: "html-articles: 2 of 3 pages failed" }),
          [makeItem("p1", { sourceId: "s" })],
          1_000,
        );
        expect(result.inserted).toEqual(["p1"]);
        expect(await store.getSourceState("s")).toMatchObject({ consecutiveFailures: 1, itemsCollected: 1 });
      });

      it("keeps validators on undefined, clears them on null, replaces them on a value", async () => {
        await store.commitRun(
          run("s", 1_000, { etag: '"v1"', lastModified: "Tue, 01 Apr 2025 10:00:00 GMT", nextAttemptAt: 9_000 }),
          [],
          1_000,
        );
        await store.commitRun(run("s", 2_000), [], 2_000);
        expect(await store.getSourceState("s")).toMatchObject({
          etag: '"v1"',
          lastModified: "Tue, 01 Apr 2025 10:00:00 GMT",
          nextAttemptAt: 9_000,
        });

        await store.commitRun(run("s", 3_000, { etag: '"v2"', lastModified: null, nextAttemptAt: null }), [], 3_000);
        const state = await store.getSourceState("s");
        expect(state?.etag).toBe('"v2"');
        expect(state && "lastModified" in state).toBe(false);
        expect(state && "nextAttemptAt" in state).toBe(false);
      });

      it("replaces warnings with the last run's", async () => {
        await store.commitRun(
          run("s", 1_000, { warnings: ["ticker line 3: no time", "ticker line 7: no time"] }),
          [],
          1_000,
        );
        expect((await store.getSourceState("s"))?.warnings).toEqual([
          "ticker line 3: no time",
          "ticker line 7: no time",
        ]);
        await store.commitRun(
          run("s", 2_000, { warnings: ["article https://example.org/gone answered 404"] }),
          [],
          2_000,
        );
        expect((await store.getSourceState("s"))?.warnings).toEqual(["article https://example.org/gone answered 404"]);
        await store.commitRun(run("s", 3_000), [], 3_000);
        expect((await store.getSourceState("s"))?.warnings).toEqual([]);
      });

      it("lists every source's state", async () => {
        await store.commitRun(run("zeta", 1_000), [], 1_000);
        await store.commitRun(run("alpha", 1_000, { error: "boom" }), [], 1_000);
        const states = await store.listSourceStates();
        expect(states.map((s) => s.sourceId).sort()).toEqual(["alpha", "zeta"]);
        expect(states.find((s) => s.sourceId === "alpha")?.consecutiveFailures).toBe(1);
      });
    });

    describe("listSourceStatesSince (what max-age reads each second, issue 12)", () => {
      let peer: Store | undefined;

      afterEach(async () => {
        await peer?.close();
        peer = undefined;
      });

      const sourceIds = (changes: { states: readonly { sourceId: string }[] }): string[] =>
        changes.states.map((state) => state.sourceId);

      it("reads every state from version 0, then only the states written after the version it returned", async () => {
        await store.commitRun(run("zeta", 1_000), [], 1_000);
        await store.commitRun(run("alpha", 1_000), [], 1_000);
        const first = await store.listSourceStatesSince(0);
        expect(sourceIds(first)).toEqual(["zeta", "alpha"]); // oldest write first
        expect(first.removed).toEqual([]);

        expect(await store.listSourceStatesSince(first.version)).toEqual({
          states: [],
          removed: [],
          version: first.version,
        });

        await store.commitRun(run("zeta", 2_000, { error: "boom" }), [], 2_000);
        const second = await store.listSourceStatesSince(first.version);
        expect(sourceIds(second)).toEqual(["zeta"]);
        expect(second.states[0]).toEqual(await store.getSourceState("zeta"));
        expect(second.states[0]?.consecutiveFailures).toBe(1);
        expect(second.version).toBeGreaterThan(first.version);
        expect(sourceIds(await store.listSourceStatesSince(second.version))).toEqual([]);
        // An older version still sees the newer write: versions only grow.
        expect(sourceIds(await store.listSourceStatesSince(0))).toEqual(["alpha", "zeta"]);
      });

      it("reports a purged source's state as removed, and its state again once it runs again", async () => {
        await store.commitRun(run("gone", 1_000), [], 1_000);
        await store.commitRun(run("kept", 1_000), [], 1_000);
        const { version } = await store.listSourceStatesSince(0);

        await store.purgeSource("gone", 2_000);
        const purged = await store.listSourceStatesSince(version);
        expect(purged.states).toEqual([]);
        expect(purged.removed).toEqual(["gone"]);
        expect(purged.version).toBeGreaterThan(version);
        expect(sourceIds(await store.listSourceStatesSince(0))).toEqual(["kept"]);

        // Removed first, then the states: the row that exists now was written after the deletion.
        await store.commitRun(run("gone", 3_000), [], 3_000);
        const back = await store.listSourceStatesSince(version);
        expect(back.removed).toEqual(["gone"]);
        expect(back.states.map((state) => [state.sourceId, state.lastRunAt])).toEqual([["gone", 3_000]]);

        // Purging a source with no state records no deletion.
        const quiet = await store.listSourceStatesSince(back.version);
        await store.purgeSource("never-ran", 4_000);
        expect(await store.listSourceStatesSince(back.version)).toEqual(quiet);
      });

      it("leaves the version and the states as they were after a rolled-back write", async () => {
        await store.commitRun(run("walaw-world", 1), [makeItem("a")], 1);
        const before = await store.listSourceStatesSince(0);
        const broken = { ...makeItem("bad"), title: null } as unknown as ClassifiedItem;
        await expect(store.commitRun(run("walaw-world", 2, { error: "x" }), [broken], 2)).rejects.toThrow();
        expect(await store.listSourceStatesSince(before.version)).toEqual({
          states: [],
          removed: [],
          version: before.version,
        });
        expect((await store.getSourceState("walaw-world"))?.lastRunAt).toBe(1);
      });

      it("misses no write of another instance committed while a reader keeps merging (versions commit in order)", async () => {
        peer = await openPeer();
        const merged = new Map<string, number | undefined>();
        let version = 0;
        const readOnce = async (): Promise<void> => {
          const changes = await store.listSourceStatesSince(version);
          for (const id of changes.removed) merged.delete(id);
          for (const state of changes.states) merged.set(state.sourceId, state.lastRunAt);
          version = changes.version;
        };
        const writer = async (target: Store, prefix: string): Promise<void> => {
          for (let i = 1; i <= 15; i++) {
            await target.commitRun(run(`${prefix}-${i % 4}`, i), [], i);
            if (i % 5 === 0) await target.purgeSource(`${prefix}-${i % 4}`, i);
          }
        };
        let writing = true;
        const reader = (async () => {
          while (writing) await readOnce();
        })();
        await Promise.all([writer(store, "a"), writer(peer, "b")]);
        writing = false;
        await reader;
        await readOnce();
        const full = await store.listSourceStates();
        expect(merged).toEqual(new Map(full.map((state) => [state.sourceId, state.lastRunAt])));
      });
    });

    describe("purgeSource", () => {
      it("deletes every item and the run state of one source, and leaves other sources alone", async () => {
        await store.commitRun(
          run("gone", 10_000, { error: "fetch: HTTP 404" }),
          [
            makeItem("g-1", { sourceId: "gone", published: 1_000, categories: ["technology"] }),
            makeItem("g-2", { sourceId: "gone", published: 2_000, categories: ["world"] }),
          ],
          10_000,
        );
        await store.commitRun(run("kept", 10_000), [makeItem("k-1", { sourceId: "kept", published: 500 })], 10_000);
        const before = await store.revision();

        expect(await store.purgeSource("gone", 20_000)).toEqual({
          removed: 2,
          changedCategories: ["technology", "world"],
        });
        expect(ids((await store.queryFeed(feed())).items)).toEqual(["k-1"]);
        expect(await store.knownIds(["g-1", "g-2", "k-1"])).toEqual(new Set(["k-1"]));
        expect(await store.getSourceState("gone")).toBeUndefined();
        expect((await store.listSourceStates()).map((state) => state.sourceId)).toEqual(["kept"]);
        expect(await store.revision()).toBeGreaterThan(before);
        // The feed that lost items says when (Last-Modified must move, RFC 9110 §8.8.2).
        expect((await store.queryFeed(feed({ categories: ["technology"] }))).departedAt).toBe(20_000);
      });

      it("changes nothing for a source with no items", async () => {
        await store.commitRun(run("kept", 1_000), [makeItem("k", { sourceId: "kept", published: 900 })], 1_000);
        const before = await store.revision();
        expect(await store.purgeSource("never-stored", 2_000)).toEqual({ removed: 0, changedCategories: [] });
        expect(await store.revision()).toBe(before);
      });
    });

    describe("prune", () => {
      it("keeps the newest N items of one source and leaves other sources alone", async () => {
        await store.commitRun(
          run("s", 10_000),
          [1, 2, 3, 4, 5].map((n) =>
            makeItem(`s-${n}`, {
              sourceId: "s",
              published: n * 1_000,
              categories: n <= 2 ? ["technology"] : ["world"],
            }),
          ),
          10_000,
        );
        await store.commitRun(run("other", 10_000), [makeItem("o-1", { sourceId: "other", published: 1 })], 10_000);

        const result = await store.prune("s", { maxItemsPerSource: 3, maxAgeMs: Infinity }, 10_000);
        expect(result).toEqual({ removed: 2, changedCategories: ["technology"] });
        expect(ids((await store.queryFeed(feed())).items)).toEqual(["s-5", "s-4", "s-3", "o-1"]);
        expect(await store.categoryStats()).toEqual([{ slug: "world", count: 4, newest: 5_000 }]);
      });

      it("drops items published longer ago than the maximum age", async () => {
        await store.commitRun(
          run("s", 100_000),
          [
            makeItem("old", { sourceId: "s", published: 10_000 }),
            makeItem("edge", { sourceId: "s", published: 40_000 }),
            makeItem("new", { sourceId: "s", published: 90_000 }),
          ],
          100_000,
        );
        const result = await store.prune("s", { maxItemsPerSource: 100, maxAgeMs: 60_000 }, 100_000);
        expect(result).toEqual({ removed: 1, changedCategories: ["world"] });
        expect(ids((await store.queryFeed(feed())).items)).toEqual(["new", "edge"]);
      });

      it("removes nothing and changes nothing when within retention", async () => {
        await store.commitRun(run("s", 1_000), [makeItem("k", { sourceId: "s", published: 900 })], 1_000);
        const before = await store.revision();
        expect(await store.prune("s", { maxItemsPerSource: 10, maxAgeMs: 60_000 }, 1_000)).toEqual({
          removed: 0,
          changedCategories: [],
        });
        expect(await store.revision()).toBe(before);
      });

      it("lets a pruned item come back as new", async () => {
        await store.commitRun(run("s", 1_000), [makeItem("back", { sourceId: "s", published: 100 })], 1_000);
        await store.prune("s", { maxItemsPerSource: 0, maxAgeMs: Infinity }, 1_000);
        expect(await store.knownIds(["back"])).toEqual(new Set());
        const again = await store.commitRun(
          run("s", 2_000),
          [makeItem("back", { sourceId: "s", published: 100 })],
          2_000,
        );
        expect(again.inserted).toEqual(["back"]);
      });

      it("rejects a nonsensical retention with a StoreError", async () => {
        await expect(store.prune("s", { maxItemsPerSource: -1, maxAgeMs: 1 }, 1_000)).rejects.toBeInstanceOf(
          StoreError,
        );
        await expect(store.prune("s", { maxItemsPerSource: 1, maxAgeMs: Number.NaN }, 1_000)).rejects.toBeInstanceOf(
          StoreError,
        );
      });
    });

    describe("knownIds and categoryStats", () => {
      it("says which ids are stored", async () => {
        await store.commitRun(
          run("s", 1_000),
          [makeItem("https://example.org/a"), makeItem("https://example.org/b")],
          1_000,
        );
        expect(
          await store.knownIds(["https://example.org/a", "https://example.org/zzz", "https://example.org/b"]),
        ).toEqual(new Set(["https://example.org/a", "https://example.org/b"]));
        expect(await store.knownIds([])).toEqual(new Set());
      });

      it("knows an item by an alias it was committed with, without making the alias content", async () => {
        const canonical = "https://site.example/articles/rate-decision";
        const listingLink = "https://site.example/news/rate-decision.html?utm_source=home";
        const article = makeItem(canonical, { aliases: [listingLink, canonical, listingLink] });
        const first = await store.commitRun(run("s", 1_000), [article], 1_000);
        expect(first.inserted).toEqual([canonical]);
        expect(await store.knownIds([listingLink, canonical, "https://site.example/other"])).toEqual(
          new Set([listingLink, canonical]),
        );

        // An alias is not content: the same story with its alias again is unchanged, and an alias
        // arriving for an item stored without one changes no feed either.
        const revision = await store.revision();
        const again = await store.commitRun(run("s", 2_000), [article], 2_000);
        expect(again).toMatchObject({ inserted: [], updated: [], unchanged: 1 });
        const late = makeItem("https://site.example/articles/late", { published: 5 });
        await store.commitRun(run("s", 3_000), [late], 3_000);
        const afterInsert = await store.revision();
        expect(afterInsert).toBeGreaterThan(revision);
        await store.commitRun(run("s", 4_000), [{ ...late, aliases: ["file:///sample/late.html"] }], 4_000);
        expect(await store.revision()).toBe(afterInsert);
        expect(await store.knownIds(["file:///sample/late.html"])).toEqual(new Set(["file:///sample/late.html"]));
        const stored = (await store.queryFeed(feed())).items.find((item) => item.id === canonical);
        expect(stored && "aliases" in stored).toBe(false);
      });

      it("moves an alias to the newest item claiming it, and forgets it with its item", async () => {
        const link = "https://site.example/news/story.html";
        await store.commitRun(
          run("s", 1_000),
          [makeItem("https://site.example/a", { sourceId: "s", published: 1, aliases: [link] })],
          1_000,
        );
        await store.commitRun(
          run("s", 2_000),
          [makeItem("https://site.example/b", { sourceId: "s", published: 2, aliases: [link] })],
          2_000,
        );
        await store.prune("s", { maxItemsPerSource: 1, maxAgeMs: Infinity }, 3_000); // drops a, keeps b
        expect(await store.knownIds([link])).toEqual(new Set([link]));
        await store.prune("s", { maxItemsPerSource: 0, maxAgeMs: Infinity }, 3_000);
        expect(await store.knownIds([link, "https://site.example/b"])).toEqual(new Set());
      });

      it("writes no alias of a run that fails", async () => {
        const broken = { ...makeItem("urn:broken"), kind: "podcast" } as unknown as ClassifiedItem;
        const aliased = makeItem("https://site.example/fine", { aliases: ["https://site.example/listing/fine"] });
        await expect(store.commitRun(run("s", 1_000), [aliased, broken], 1_000)).rejects.toBeInstanceOf(StoreError);
        expect(await store.knownIds(["https://site.example/listing/fine"])).toEqual(new Set());
      });

      it("counts items and finds the newest per category", async () => {
        expect(await store.categoryStats()).toEqual([]);
        await store.commitRun(
          run("s", 9_000),
          [
            makeItem("a", { published: 1_000, categories: ["world", "technology"] }),
            makeItem("b", { published: 3_000, categories: ["world"] }),
            makeItem("c", { published: 2_000, categories: ["technology"] }),
          ],
          9_000,
        );
        const stats = [...(await store.categoryStats())].sort((x, y) => x.slug.localeCompare(y.slug));
        expect(stats).toEqual([
          { slug: "technology", count: 2, newest: 2_000 },
          { slug: "world", count: 2, newest: 3_000 },
        ]);
      });
    });

    describe("run history and items per day (what /status draws)", () => {
      it("records each run's outcome, time and counts, newest first per source, in source order", async () => {
        expect(await store.recentRuns()).toEqual([]);
        await store.commitRun(run("b", 1_000), [makeItem("x", { sourceId: "b" })], 1_000);
        await store.commitRun(run("a", 2_000, { notModified: true }), [], 2_000);
        await store.commitRun(
          run("b", 3_000),
          [makeItem("x", { sourceId: "b", title: "changed" }), makeItem("y", { sourceId: "b" })],
          3_000,
        );
        await store.commitRun(run("b", 4_000, { error: "HTTP 500", notModified: true }), [], 4_000);
        expect(await store.recentRuns()).toEqual([
          { sourceId: "a", finishedAt: 2_000, outcome: "not-modified", inserted: 0, updated: 0 },
          { sourceId: "b", finishedAt: 4_000, outcome: "failed", inserted: 0, updated: 0 },
          { sourceId: "b", finishedAt: 3_000, outcome: "ok", inserted: 1, updated: 1 },
          { sourceId: "b", finishedAt: 1_000, outcome: "ok", inserted: 1, updated: 0 },
        ]);
      });

      it(`keeps only the newest ${RUN_HISTORY_LENGTH} runs of a source, and other sources' runs`, async () => {
        await store.commitRun(run("other", 1), [], 1);
        for (let at = 1; at <= RUN_HISTORY_LENGTH + 5; at += 1) await store.commitRun(run("busy", at * 1_000), [], 0);
        const runs = await store.recentRuns();
        const busy = runs.filter((r) => r.sourceId === "busy").map((r) => r.finishedAt);
        expect(busy).toHaveLength(RUN_HISTORY_LENGTH);
        expect(busy[0]).toBe((RUN_HISTORY_LENGTH + 5) * 1_000);
        expect(busy.at(-1)).toBe(6_000);
        expect(runs.filter((r) => r.sourceId === "other")).toHaveLength(1);
      });

      it("writes no run of a commit that fails", async () => {
        const broken = { ...makeItem("urn:broken"), kind: "podcast" } as unknown as ClassifiedItem;
        await expect(store.commitRun(run("s", 1_000), [broken], 1_000)).rejects.toBeInstanceOf(StoreError);
        expect(await store.recentRuns()).toEqual([]);
      });

      it("counts a category's stories per UTC day from the day holding `since`, once per story", async () => {
        const day = 86_400_000;
        const d0 = 20_000 * day;
        await store.commitRun(
          run("s", d0 + 3 * day),
          [
            makeItem("old", { published: d0 - 1, categories: ["world"] }),
            makeItem("a", { published: d0 + 5, categories: ["world", "technology"] }),
            makeItem("b", { published: d0 + day - 1, categories: ["world"] }),
            makeItem("c", { published: d0 + 2 * day + 7, categories: ["world"] }),
          ],
          d0 + 3 * day,
        );
        // The same story through a second source does not count twice.
        await store.commitRun(
          run("t", d0 + 3 * day),
          [makeItem("c-copy", { sourceId: "t", url: "https://example.org/news/c", published: d0 + 2 * day + 7 })],
          d0 + 3 * day,
        );
        expect(await store.itemsPerDay(d0 + 12 * 60 * 60 * 1000)).toEqual([
          { slug: "technology", day: d0, count: 1 },
          { slug: "world", day: d0, count: 2 },
          { slug: "world", day: d0 + 2 * day, count: 1 },
        ]);
      });
    });

    describe("revision", () => {
      it("increases on every real change to items and only then", async () => {
        const r0 = await store.revision();
        await store.commitRun(run("s", 1_000), [makeItem("r", { sourceId: "s", published: 1 })], 1_000);
        const r1 = await store.revision();
        expect(r1).toBeGreaterThan(r0);

        await store.commitRun(run("s", 2_000), [makeItem("r", { sourceId: "s", published: 1 })], 2_000);
        await store.commitRun(run("s", 3_000, { error: "boom", etag: '"x"' }), [], 3_000);
        expect(await store.revision()).toBe(r1);

        await store.commitRun(
          run("s", 4_000),
          [makeItem("r", { sourceId: "s", published: 1, title: "New title" })],
          4_000,
        );
        const r2 = await store.revision();
        expect(r2).toBeGreaterThan(r1);

        await store.commitRun(
          run("s", 5_000),
          [makeItem("r", { sourceId: "s", published: 1, title: "New title", categories: ["technology"] })],
          5_000,
        );
        const r3 = await store.revision();
        expect(r3).toBeGreaterThan(r2);

        await store.prune("s", { maxItemsPerSource: 0, maxAgeMs: Infinity }, 6_000);
        expect(await store.revision()).toBeGreaterThan(r3);
      });

      it("does not move when a commit fails", async () => {
        const before = await store.revision();
        const broken = { ...makeItem("bad"), title: null } as unknown as ClassifiedItem;
        await expect(store.commitRun(run("s", 1_000), [makeItem("good"), broken], 1_000)).rejects.toBeInstanceOf(
          StoreError,
        );
        expect(await store.revision()).toBe(before);
      });
    });

    describe("reclassification", () => {
      const stories = ["k5", "k1", "k4", "k2", "k3"].map((id, n) =>
        makeItem(id, { published: n + 1, categories: ["world"] }),
      );

      it("walks every stored item once, in id order, with categories", async () => {
        await store.commitRun(run("walaw-world", 1_000), stories, 1_000);
        const seen: ItemToReclassify[] = [];
        let after: string | undefined;
        for (;;) {
          const batch = await store.listItemsForReclassification(after, 2);
          if (batch.length === 0) break;
          expect(batch.length).toBeLessThanOrEqual(2);
          seen.push(...batch);
          after = batch.at(-1)?.id;
        }
        expect(seen.map((item) => item.id)).toEqual(["k1", "k2", "k3", "k4", "k5"]);
        expect(seen.every((i) => i.categories.length === 1 && i.categories[0] === "world")).toBe(true);
        expect(seen.find((i) => i.id === "k3")).toEqual({
          id: "k3",
          sourceId: "walaw-world",
          title: "Story k3",
          summary: "Summary of k3",
          tags: [],
          categories: ["world"],
        });
      });

      it("remembers the fingerprint of the rules last applied to every item, without moving the revision", async () => {
        expect(await store.classificationFingerprint()).toBeUndefined();
        await store.commitRun(run("walaw-world", 1_000), stories, 1_000);
        const revision = await store.revision();
        await store.recordClassificationFingerprint("rules-a");
        expect(await store.classificationFingerprint()).toBe("rules-a");
        await store.recordClassificationFingerprint("rules-b");
        expect(await store.classificationFingerprint()).toBe("rules-b");
        expect(await store.revision()).toBe(revision);
      });

      it("reads only what classification needs: no content, dates or links (issue 12: a 1M-item pass read every column)", async () => {
        await store.commitRun(
          run("walaw-world", 1_000),
          [
            makeItem("full", {
              contentHtml: "<p>a long body</p>",
              authors: [{ name: "A. Writer" }],
              enclosures: [{ url: "https://example.org/a.mp3", type: "audio/mpeg" }],
              imageUrl: "https://example.org/a.jpg",
              language: "fr",
              tags: ["Economy", "Bourse"],
              categories: ["world", "morocco-economy", "technology"],
            }),
            makeItem("bare", { summary: undefined, categories: [] }),
          ],
          1_000,
        );
        expect(await store.listItemsForReclassification(undefined, 10)).toEqual([
          { id: "bare", sourceId: "walaw-world", title: "Story bare", tags: [], categories: [] },
          {
            id: "full",
            sourceId: "walaw-world",
            title: "Story full",
            summary: "Summary of full",
            tags: ["Economy", "Bourse"],
            categories: ["morocco-economy", "technology", "world"],
          },
        ]);
      });

      it("changes only the items whose category set really changed", async () => {
        await store.commitRun(run("walaw-world", 1_000), stories, 1_000);
        const before = await store.revision();

        const result = await store.setItemCategories(
          [
            { id: "k1", categories: ["world"] },
            { id: "k2", categories: ["world", "technology"] },
            { id: "k3", categories: [] },
            { id: "pruned-meanwhile", categories: ["world"] },
          ],
          7_000,
        );
        expect(result.changedCategories).toEqual(["technology", "world"]);
        expect(await store.revision()).toBeGreaterThan(before);

        const byId = new Map((await store.queryFeed(feed())).items.map((i) => [i.id, i]));
        expect(byId.get("k1")).toMatchObject({ categories: ["world"], changedAt: 1_000 });
        expect(byId.get("k2")).toMatchObject({ categories: ["technology", "world"], changedAt: 7_000 });
        expect(byId.get("k3")).toMatchObject({ categories: [], changedAt: 7_000 });
        expect(ids((await store.queryFeed(feed({ categories: ["technology"] }))).items)).toEqual(["k2"]);

        await store.commitRun(
          run("walaw-economy", 8_000),
          [makeItem("k1", { sourceId: "walaw-economy", published: 2, categories: ["morocco-economy"] })],
          8_000,
        );
        await store.setItemCategories([{ id: "k1", categories: ["technology"] }], 9_000);
        const [k1] = await store.listItemsForReclassification(undefined, 1);
        expect(k1).toMatchObject({ id: "k1", sourceId: "walaw-world", categories: ["morocco-economy", "technology"] });
        expect((await store.queryFeed(feed())).items.find((i) => i.id === "k1")).toMatchObject({
          changedAt: 9_000,
        });

        const settled = await store.revision();
        expect(await store.setItemCategories([{ id: "k2", categories: ["technology", "world"] }], 8_000)).toEqual({
          changedCategories: [],
        });
        expect(await store.revision()).toBe(settled);
      });
    });

    describe("departures (Last-Modified when items only leave a feed, RFC 9110 §8.8.2)", () => {
      const departedAt = async (query: Partial<FeedQuery>): Promise<number | undefined> =>
        (await store.queryFeed(feed(query))).departedAt;

      beforeEach(async () => {
        await store.commitRun(
          run("s", 1_000),
          [
            makeItem("w-article", { sourceId: "s", published: 100, categories: ["world"] }),
            makeItem("w-ticker", { sourceId: "s", published: 200, categories: ["world"], kind: "ticker" }),
            makeItem("t-article", { sourceId: "keep", published: 300, categories: ["technology"] }),
          ],
          1_000,
        );
      });

      it("reports none while no item ever left", async () => {
        expect(await departedAt({})).toBeUndefined();
        expect(await departedAt({ categories: ["world"] })).toBeUndefined();
      });

      it("records a pruned item's categories and `all`, for its kind only", async () => {
        await store.prune("s", { maxItemsPerSource: 1, maxAgeMs: Infinity }, 5_000); // drops w-article
        expect(await departedAt({ categories: ["world"] })).toBe(5_000);
        expect(await departedAt({})).toBe(5_000);
        expect(await departedAt({ categories: ["world"], kind: "article" })).toBe(5_000);
        expect(await departedAt({ categories: ["world"], kind: "ticker" })).toBeUndefined();
        expect(await departedAt({ categories: ["technology"] })).toBeUndefined();
        expect(await departedAt({ categories: ["technology", "world"] })).toBe(5_000);
      });

      it("records a reclassification out of a category, not for `all` or the category gained", async () => {
        await store.setItemCategories([{ id: "w-ticker", categories: ["technology"] }], 6_000);
        expect(await departedAt({ categories: ["world"] })).toBe(6_000);
        expect(await departedAt({ categories: ["world"], kind: "ticker" })).toBe(6_000);
        expect(await departedAt({ categories: ["world"], kind: "article" })).toBeUndefined();
        expect(await departedAt({ categories: ["technology"] })).toBeUndefined();
        expect(await departedAt({})).toBeUndefined();
      });

      it("records a source's new classification removing a slug in commitRun", async () => {
        await store.commitRun(
          run("s", 7_000),
          [makeItem("w-article", { sourceId: "s", published: 100, categories: ["technology"] })],
          7_000,
        );
        expect(await departedAt({ categories: ["world"] })).toBe(7_000);
        expect(await departedAt({ categories: ["technology"] })).toBeUndefined();
      });

      it("never moves a departure back in time", async () => {
        // Another instance's clock may lag: a later write stamped earlier keeps the later time.
        await store.setItemCategories([{ id: "w-ticker", categories: [] }], 8_000);
        await store.setItemCategories([{ id: "w-ticker", categories: ["world"] }], 8_500);
        await store.setItemCategories([{ id: "w-ticker", categories: [] }], 7_000);
        expect(await departedAt({ categories: ["world"], kind: "ticker" })).toBe(8_000);
      });
    });

    describe("stories (docs/ARCHITECTURE.md: one story, one item)", () => {
      const PAGE = "https://example.org/2026/06/story";
      // A ticker line linking to the article: its id is namespaced by source (html-ticker), not the URL.
      const tickerLine = (overrides: Overrides<ClassifiedItem> = {}): ClassifiedItem =>
        makeItem("urn:sha256:ticker-line", {
          sourceId: "ticker",
          kind: "ticker",
          url: `${PAGE}?utm_source=homepage#top`,
          title: "Breaking: the headline",
          summary: undefined,
          published: 10_000,
          categories: ["world"],
          ...overrides,
        });
      const article = (overrides: Overrides<ClassifiedItem> = {}): ClassifiedItem =>
        makeItem(PAGE, {
          sourceId: "articles",
          url: PAGE,
          title: "The headline, in full",
          summary: "The article's summary",
          contentHtml: "<p>The article's body</p>",
          published: 9_000,
          categories: ["morocco-economy"],
          ...overrides,
        });

      it("merges a ticker line and its later article into one story: the ticker's id, the article's body, categories united, updated", async () => {
        await store.commitRun(run("ticker", 20_000), [tickerLine()], 20_000);
        const [first] = (await store.queryFeed(feed())).items;
        expect(first).toMatchObject({
          id: "urn:sha256:ticker-line",
          kind: "ticker",
          published: 10_000,
          updated: 10_000,
          changedAt: 20_000,
        });

        const result = await store.commitRun(run("articles", 30_000), [article()], 30_000);
        expect(result.inserted).toEqual([PAGE]);
        expect(result.changedCategories).toEqual(["morocco-economy", "world"]);

        const { items } = await store.queryFeed(feed());
        expect(ids(items)).toEqual(["urn:sha256:ticker-line"]);
        expect(items[0]).toMatchObject({
          id: "urn:sha256:ticker-line",
          kind: "article",
          url: PAGE,
          title: "The headline, in full",
          contentHtml: "<p>The article's body</p>",
          categories: ["morocco-economy", "world"],
          published: 10_000, // the story's first report: its date does not move under readers' cursors
          updated: 30_000, // shows as updated with the article's body
          changedAt: 30_000,
        });
        // The story is in every category any member is in.
        expect(ids((await store.queryFeed(feed({ categories: ["world"] }))).items)).toEqual(["urn:sha256:ticker-line"]);
        expect(ids((await store.queryFeed(feed({ categories: ["morocco-economy"] }))).items)).toEqual([
          "urn:sha256:ticker-line",
        ]);
        expect(ids((await store.queryFeed(feed({ categories: ["world", "morocco-economy"] }))).items)).toEqual([
          "urn:sha256:ticker-line",
        ]);
        expect(await store.categoryStats()).toEqual([
          { slug: "morocco-economy", count: 1, newest: 10_000 },
          { slug: "world", count: 1, newest: 10_000 },
        ]);
      });

      it("keeps the article's id when the ticker line comes second, and does not change the story for it", async () => {
        await store.commitRun(run("articles", 20_000), [article()], 20_000);
        const result = await store.commitRun(run("ticker", 30_000), [tickerLine({ categories: ["world"] })], 30_000);
        expect(result.changedCategories).toEqual(["morocco-economy", "world"]);
        const { items } = await store.queryFeed(feed());
        expect(ids(items)).toEqual([PAGE]);
        expect(items[0]).toMatchObject({
          kind: "article",
          contentHtml: "<p>The article's body</p>",
          categories: ["morocco-economy", "world"],
          published: 9_000,
          updated: 9_000,
          changedAt: 30_000, // it entered `world`
        });
        // A later pass with nothing new changes nothing.
        const again = await store.commitRun(run("ticker", 40_000), [tickerLine({ categories: ["world"] })], 40_000);
        expect(again).toMatchObject({ unchanged: 1, changedCategories: [] });
        expect((await store.queryFeed(feed())).items[0]?.changedAt).toBe(30_000);
      });

      it("makes two sources pointing to one canonical URL one story with their categories united", async () => {
        await store.commitRun(
          run("feed-a", 20_000),
          [
            makeItem("tag:a.example,2026:1", {
              sourceId: "feed-a",
              url: `${PAGE}#comments`,
              published: 5_000,
              categories: ["world"],
            }),
          ],
          20_000,
        );
        await store.commitRun(
          run("feed-b", 21_000),
          [
            makeItem("tag:b.example,2026:9", {
              sourceId: "feed-b",
              url: `${PAGE}?fbclid=x`,
              published: 6_000,
              categories: ["technology"],
            }),
          ],
          21_000,
        );
        const { items } = await store.queryFeed(feed());
        expect(ids(items)).toEqual(["tag:a.example,2026:1"]);
        expect(items[0]).toMatchObject({ sourceId: "feed-a", categories: ["technology", "world"], published: 5_000 });
        expect(ids((await store.queryFeed(feed({ categories: ["technology"] }))).items)).toEqual([
          "tag:a.example,2026:1",
        ]);
        // Another page (a different query string) is another story.
        await store.commitRun(
          run("feed-b", 22_000),
          [makeItem("tag:b.example,2026:10", { sourceId: "feed-b", url: `${PAGE}?page=2`, published: 7_000 })],
          22_000,
        );
        expect(ids((await store.queryFeed(feed())).items)).toEqual(["tag:b.example,2026:10", "tag:a.example,2026:1"]);
      });

      it("makes items of one run sharing a URL one story, named by the item listed first", async () => {
        const result = await store.commitRun(
          run("feed-a", 20_000),
          [
            makeItem("tag:a.example,2026:2", { sourceId: "feed-a", url: `${PAGE}#top`, published: 5_000 }),
            makeItem("tag:a.example,2026:1", {
              sourceId: "feed-a",
              url: `${PAGE}?utm_source=rss`,
              published: 6_000,
              categories: ["technology"],
            }),
          ],
          20_000,
        );
        expect(result.inserted).toEqual(["tag:a.example,2026:2", "tag:a.example,2026:1"]);
        const { items } = await store.queryFeed(feed());
        expect(ids(items)).toEqual(["tag:a.example,2026:2"]);
        expect(items[0]?.categories).toEqual(["technology", "world"]);
      });

      it("merges an unlinked ticker line with another source's article of the same headline a day later", async () => {
        const DAY = 86_400_000;
        const headline = "Tangier Med port handles a record 10 million containers";
        const line = makeItem("urn:sha256:unlinked", {
          sourceId: "ticker",
          kind: "ticker",
          url: undefined,
          summary: undefined,
          title: headline,
          published: 100 * DAY,
          categories: ["morocco-economy"],
        });
        await store.commitRun(run("ticker", 100 * DAY), [line], 100 * DAY);
        // Case, accents and punctuation aside, the same words: the article of that story.
        const page = makeItem("https://example.org/tanger-med", {
          sourceId: "articles",
          url: "https://example.org/tanger-med",
          title: "Tangier Med port handles a record 10-million containers!",
          published: 101 * DAY - 1,
          contentHtml: "<p>Body</p>",
          categories: ["world"],
        });
        await store.commitRun(run("articles", 101 * DAY), [page], 101 * DAY);
        const { items } = await store.queryFeed(feed());
        expect(ids(items)).toEqual(["urn:sha256:unlinked"]);
        expect(items[0]).toMatchObject({ contentHtml: "<p>Body</p>", categories: ["morocco-economy", "world"] });
      });

      it("does not merge by headline within one source, headlines under six words, or days apart", async () => {
        const DAY = 86_400_000;
        const column = "Morning briefing: the five stories to know today";
        const item = (id: string, sourceId: string, title: string, day: number): ClassifiedItem =>
          makeItem(id, { sourceId, url: `https://example.org/${id}`, title, published: day * DAY });
        await store.commitRun(run("daily", 100 * DAY), [item("brief-1", "daily", column, 100)], 100 * DAY);
        await store.commitRun(run("daily", 101 * DAY), [item("brief-2", "daily", column, 101)], 101 * DAY); // a recurring column
        await store.commitRun(run("a", 101 * DAY), [item("short-a", "a", "Rains in the north", 101)], 101 * DAY);
        await store.commitRun(run("b", 101 * DAY), [item("short-b", "b", "Rains in the north", 101)], 101 * DAY); // too short to tell
        const late = "Parliament adopts the new criminal procedure code";
        await store.commitRun(run("a", 101 * DAY), [item("late-a", "a", late, 90)], 101 * DAY);
        await store.commitRun(run("b", 101 * DAY), [item("late-b", "b", late, 95)], 101 * DAY); // five days apart
        expect(ids((await store.queryFeed(feed())).items).sort()).toEqual([
          "brief-1",
          "brief-2",
          "late-a",
          "late-b",
          "short-a",
          "short-b",
        ]);
      });

      it("merges by headline up to two UTC days apart and not three, and only headlines of six words or more", async () => {
        const DAY = 86_400_000;
        const item = (id: string, sourceId: string, title: string, published: number): ClassifiedItem =>
          makeItem(id, { sourceId, url: `https://example.org/${id}`, title, published });
        const six = "Phosphate exports rise in the first quarter";
        await store.commitRun(run("a", 110 * DAY), [item("near-a", "a", six, 100 * DAY + 1)], 110 * DAY);
        await store.commitRun(run("b", 110 * DAY), [item("near-b", "b", six, 102 * DAY + 1)], 110 * DAY); // two days on: merged
        const other = "Casablanca stock exchange closes higher on banks";
        await store.commitRun(run("a", 110 * DAY), [item("far-a", "a", other, 100 * DAY)], 110 * DAY);
        await store.commitRun(run("b", 110 * DAY), [item("far-b", "b", other, 103 * DAY)], 110 * DAY); // three days on: not
        const five = "Phosphate exports rise this quarter";
        await store.commitRun(run("a", 110 * DAY), [item("five-a", "a", five, 100 * DAY)], 110 * DAY);
        await store.commitRun(run("b", 110 * DAY), [item("five-b", "b", five, 100 * DAY)], 110 * DAY); // five words: not
        expect(ids((await store.queryFeed(feed())).items).sort()).toEqual([
          "far-a",
          "far-b",
          "five-a",
          "five-b",
          "near-a",
        ]);
      });

      it("keeps a recurring column out of another source's copy of its earlier edition (regression: merged)", async () => {
        const DAY = 86_400_000;
        const column = "Morning briefing: the five stories to know today";
        const item = (id: string, sourceId: string, day: number): ClassifiedItem =>
          makeItem(id, { sourceId, url: `https://example.org/${id}`, title: column, published: day * DAY });
        await store.commitRun(run("a", 100 * DAY), [item("a-100", "a", 100)], 100 * DAY);
        await store.commitRun(run("b", 101 * DAY), [item("b-101", "b", 101)], 101 * DAY); // B republishes A's day-100 edition
        await store.commitRun(run("a", 101 * DAY), [item("a-101", "a", 101)], 101 * DAY); // A's own next edition
        expect(ids((await store.queryFeed(feed())).items).sort()).toEqual(["a-100", "a-101"]);
      });

      it("takes an opaque page id ending a URL for the page, whatever slug leads to it (/article/ID = /articles/slug/ID)", async () => {
        const line = tickerLine({ url: "https://www.walaw.example/article/GMWGWQXSMFXM" });
        await store.commitRun(run("ticker", 20_000), [line], 20_000);
        await store.commitRun(
          run("articles", 30_000),
          [
            article({
              id: "https://walaw.example/articles/some_slug/GMWGWQXSMFXM",
              url: "https://walaw.example/articles/some_slug/GMWGWQXSMFXM",
            }),
          ],
          30_000,
        );
        // A lower-case or short last segment is a slug, not an id: another page.
        await store.commitRun(
          run("articles", 31_000),
          [
            article({
              id: "https://walaw.example/articles/x/gmwgwqxsmfxm",
              url: "https://walaw.example/articles/x/gmwgwqxsmfxm",
              title: "Other",
            }),
          ],
          31_000,
        );
        expect(ids((await store.queryFeed(feed())).items).sort()).toEqual([
          "https://walaw.example/articles/x/gmwgwqxsmfxm",
          "urn:sha256:ticker-line",
        ]);
      });

      it("lists every ticker line under `?kind=ticker` and only stories with an article under `?kind=article`", async () => {
        const lonely = tickerLine({ id: "urn:sha256:lonely", url: "https://example.org/elsewhere", published: 11_000 });
        await store.commitRun(run("ticker", 20_000), [tickerLine(), lonely], 20_000);
        await store.commitRun(run("articles", 30_000), [article()], 30_000);

        expect(ids((await store.queryFeed(feed())).items)).toEqual(["urn:sha256:lonely", "urn:sha256:ticker-line"]);
        const tickers = (await store.queryFeed(feed({ kind: "ticker" }))).items;
        expect(ids(tickers)).toEqual(["urn:sha256:lonely", "urn:sha256:ticker-line"]);
        expect(tickers[1]).toMatchObject({ kind: "ticker", title: "Breaking: the headline", categories: ["world"] });
        const articles = (await store.queryFeed(feed({ kind: "article" }))).items;
        expect(ids(articles)).toEqual(["urn:sha256:ticker-line"]);
        expect(articles[0]).toMatchObject({
          contentHtml: "<p>The article's body</p>",
          categories: ["morocco-economy", "world"],
        });
        expect(ids((await store.queryFeed(feed({ kind: "article", categories: ["world"] }))).items)).toEqual([
          "urn:sha256:ticker-line",
        ]);
      });

      it("pages merged stories exactly once following `before` cursors", async () => {
        // 12 ticker lines, every other one with its article; ties on published broken by id.
        const lines = Array.from({ length: 12 }, (_, n) =>
          tickerLine({
            id: `urn:sha256:line-${String(n).padStart(2, "0")}`,
            url: `${PAGE}/${n}`,
            published: 1_000 * Math.floor(n / 3),
          }),
        );
        const articles = lines
          .filter((_, n) => n % 2 === 0)
          .map((line, n) => article({ id: `${line.url ?? ""}`, url: line.url ?? "", published: 50 + n }));
        await store.commitRun(run("ticker", 20_000), lines, 20_000);
        await store.commitRun(run("articles", 30_000), articles, 30_000);

        const expected = [...lines]
          .sort((x, y) => (y.published ?? 0) - (x.published ?? 0) || (x.id < y.id ? 1 : -1))
          .map((line) => line.id);
        const seen: string[] = [];
        let before: FeedQuery["before"];
        for (let step = 0; step < 20; step++) {
          const result = await store.queryFeed(feed({ limit: 5, ...(before ? { before } : {}) }));
          seen.push(...ids(result.items));
          const last = result.items.at(-1);
          if (!result.hasMore || !last) break;
          before = { published: last.published, id: last.id };
        }
        expect(seen).toEqual(expected);
      });

      it("shows the remaining member when one is pruned, and drops the story with its last member", async () => {
        await store.commitRun(run("ticker", 20_000), [tickerLine()], 20_000);
        await store.commitRun(run("articles", 30_000), [article()], 30_000);

        const pruned = await store.prune("articles", { maxItemsPerSource: 0, maxAgeMs: Infinity }, 40_000);
        expect(pruned.changedCategories).toEqual(["morocco-economy", "world"]);
        const { items, departedAt } = await store.queryFeed(feed({ categories: ["morocco-economy"] }));
        expect(items).toEqual([]);
        expect(departedAt).toBe(40_000);
        const [story] = (await store.queryFeed(feed())).items;
        expect(story).toMatchObject({
          id: "urn:sha256:ticker-line",
          kind: "ticker",
          title: "Breaking: the headline",
          categories: ["world"],
          changedAt: 40_000,
        });
        // Losing its article is no news: it keeps its old `updated` (30 000, when the article came),
        // not the prune's (regression: a months-old story came back as updated at 40 000).
        expect(story?.updated).toBe(30_000);
        expect("contentHtml" in (story ?? {})).toBe(false);
        expect(await store.queryFeed(feed({ kind: "article" }))).toMatchObject({ items: [], departedAt: 40_000 });

        await store.prune("ticker", { maxItemsPerSource: 0, maxAgeMs: Infinity }, 50_000);
        expect(await store.queryFeed(feed())).toMatchObject({ items: [], departedAt: 50_000 });
        expect(await store.categoryStats()).toEqual([]);
        // Its key went with it: the article coming back is a story of its own again.
        await store.commitRun(run("articles", 60_000), [article()], 60_000);
        expect(ids((await store.queryFeed(feed())).items)).toEqual([PAGE]);
      });

      it("unites the categories a reclassification gives any member", async () => {
        await store.commitRun(run("ticker", 20_000), [tickerLine()], 20_000);
        await store.commitRun(run("articles", 30_000), [article()], 30_000);
        const result = await store.setItemCategories(
          [{ id: "urn:sha256:ticker-line", categories: ["technology"] }],
          40_000,
        );
        expect(result.changedCategories).toEqual(["morocco-economy", "technology", "world"]);
        expect(ids((await store.queryFeed(feed({ categories: ["technology"] }))).items)).toEqual([
          "urn:sha256:ticker-line",
        ]);
        expect((await store.queryFeed(feed({ categories: ["world"] }))).items).toEqual([]);
        expect((await store.queryFeed(feed({ categories: ["world"] }))).departedAt).toBe(40_000);
      });
    });

    describe("websub subscriptions", () => {
      const topic = "https://news.example.org/feeds/world.rss";
      const other = "https://news.example.org/feeds/all.atom?kind=ticker";

      function subscription(callback: string, overrides: Partial<WebSubSubscription> = {}): WebSubSubscription {
        return {
          topic,
          callback,
          secret: "s3cret-for-hmac",
          leaseSeconds: 864_000,
          verifiedAt: 1_000_000,
          expiresAt: 1_000_000 + 864_000_000,
          ...overrides,
        };
      }

      it("stores a subscription and lists it back for its topic only, ordered by callback", async () => {
        const b = subscription("https://reader.example.net/push/b");
        const a = subscription("https://reader.example.net/push/a?user=7", { secret: null });
        await store.upsertSubscription(b);
        await store.upsertSubscription(a);
        await store.upsertSubscription(subscription("https://reader.example.net/push/c", { topic: other }));

        expect(await store.listSubscriptions(topic, 1_000_000)).toEqual([a, b]);
        expect(await store.listSubscriptions(other, 1_000_000)).toHaveLength(1);
        expect(await store.listSubscriptions("https://news.example.org/feeds/technology.rss", 1_000_000)).toEqual([]);
      });

      it("a renewal replaces secret, lease and expiry instead of adding a second row", async () => {
        const callback = "https://reader.example.net/push";
        await store.upsertSubscription(subscription(callback));
        const renewed = subscription(callback, {
          secret: "rotated",
          leaseSeconds: 3_600,
          verifiedAt: 2_000_000,
          expiresAt: 2_000_000 + 3_600_000,
        });
        await store.upsertSubscription(renewed);
        expect(await store.listSubscriptions(topic, 2_000_000)).toEqual([renewed]);
      });

      it("removes one (topic, callback) pair and says whether it existed", async () => {
        const callback = "https://reader.example.net/push";
        await store.upsertSubscription(subscription(callback));
        await store.upsertSubscription(subscription(callback, { topic: other }));

        expect(await store.removeSubscription(topic, callback)).toBe(true);
        expect(await store.removeSubscription(topic, callback)).toBe(false);
        expect(await store.listSubscriptions(topic, 1_000_000)).toEqual([]);
        expect(await store.listSubscriptions(other, 1_000_000)).toHaveLength(1);
      });

      it("hides expired leases from listing (expiresAt is exclusive) and purges them", async () => {
        await store.upsertSubscription(subscription("https://reader.example.net/short", { expiresAt: 5_000_000 }));
        await store.upsertSubscription(subscription("https://reader.example.net/long", { expiresAt: 9_000_000 }));

        expect((await store.listSubscriptions(topic, 4_999_999)).map((s) => s.callback)).toEqual([
          "https://reader.example.net/long",
          "https://reader.example.net/short",
        ]);
        expect((await store.listSubscriptions(topic, 5_000_000)).map((s) => s.callback)).toEqual([
          "https://reader.example.net/long",
        ]);

        expect(await store.purgeExpiredSubscriptions(5_000_000)).toBe(1);
        expect(await store.purgeExpiredSubscriptions(5_000_000)).toBe(0);
        // Purged, not merely hidden: asking "as of" an earlier time no longer finds it.
        expect((await store.listSubscriptions(topic, 0)).map((s) => s.callback)).toEqual([
          "https://reader.example.net/long",
        ]);
      });

      it("lists each topic with a live subscription once, sorted", async () => {
        await store.upsertSubscription(subscription("https://reader.example.net/a"));
        await store.upsertSubscription(subscription("https://reader.example.net/b"));
        await store.upsertSubscription(subscription("https://reader.example.net/a", { topic: other }));
        await store.upsertSubscription(
          subscription("https://reader.example.net/a", {
            topic: "https://news.example.org/feeds/technology.json",
            expiresAt: 2_000,
          }),
        );

        expect(await store.listSubscribedTopics(1_000)).toEqual(
          [other, "https://news.example.org/feeds/technology.json", topic].sort(),
        );
        expect(await store.listSubscribedTopics(2_000)).toEqual([other, topic].sort());
      });

      it("caps new subscriptions per callback host and in total; a renewal always fits (issue 9)", async () => {
        const caps = { perHost: 2, total: 3 };
        expect(await store.upsertSubscription(subscription("https://a.example.net/1"), caps)).toBe("created");
        // Another port and credentials are still the same host.
        expect(await store.upsertSubscription(subscription("https://u:p@a.example.net:8443/2"), caps)).toBe("created");
        expect(await store.previewSubscription(topic, "http://A.example.net/3", caps, 1_000_000)).toBe("host-full");
        expect(await store.upsertSubscription(subscription("http://a.example.net/3"), caps)).toBe("host-full");
        expect(await store.upsertSubscription(subscription("https://a.example.net/1", { secret: "new" }), caps)).toBe(
          "renewed",
        );
        expect(await store.upsertSubscription(subscription("https://b.example.net/1"), caps)).toBe("created");
        expect(await store.previewSubscription(other, "https://c.example.net/1", caps, 1_000_000)).toBe("hub-full");
        expect(await store.upsertSubscription(subscription("https://c.example.net/1", { topic: other }), caps)).toBe(
          "hub-full",
        );
        expect((await store.listSubscriptions(topic, 1_000_000)).map((s) => [s.callback, s.secret])).toEqual([
          ["https://a.example.net/1", "new"],
          ["https://b.example.net/1", "s3cret-for-hmac"],
          ["https://u:p@a.example.net:8443/2", "s3cret-for-hmac"],
        ]);
        expect(await store.listSubscriptions(other, 1_000_000)).toEqual([]);
        // Expired leases do not count: past their expiry there is room again.
        const later = 1_000_000 + 864_000_000;
        expect(await store.previewSubscription(other, "https://a.example.net/9", caps, later)).toBe("created");
        expect(
          await store.upsertSubscription(
            subscription("https://a.example.net/9", { topic: other, verifiedAt: later, expiresAt: later + 1 }),
            caps,
          ),
        ).toBe("created");
      });

      it("does not move the item revision", async () => {
        const before = await store.revision();
        await store.upsertSubscription(subscription("https://reader.example.net/push"));
        await store.removeSubscription(topic, "https://reader.example.net/push");
        await store.purgeExpiredSubscriptions(Number.MAX_SAFE_INTEGER);
        expect(await store.revision()).toBe(before);
      });
    });

    describe("websub delivery queue (issue 9: deliveries survive a leader handover)", () => {
      const topic = "https://news.example.org/feeds/world.rss";
      const expiresAt = 9_000_000;

      async function subscribe(callback: string, overrides: Partial<WebSubSubscription> = {}): Promise<void> {
        await store.upsertSubscription({
          topic,
          callback,
          secret: "k",
          leaseSeconds: 8_000,
          verifiedAt: 1_000_000,
          expiresAt,
          ...overrides,
        });
      }

      const claim = (token: string, now: number, limit = 10) =>
        store.claimDeliveries({ token, now, leaseMs: 60_000, limit });

      it("queues one delivery per live subscription, claims each once under a lease, and deletes it when done", async () => {
        await subscribe("https://a.example.net/push");
        await subscribe("https://b.example.net/push", { secret: null });
        await subscribe("https://c.example.net/push", { expiresAt: 1_500_000 });
        await subscribe("https://d.example.net/push", { topic: "https://news.example.org/feeds/all.rss" });
        expect(await store.nextDeliveryAt()).toBeUndefined();

        expect(await store.queueDeliveries(topic, 2_000_000)).toBe(2);
        expect(await store.nextDeliveryAt()).toBe(2_000_000);
        expect(await claim("early", 1_999_999)).toEqual([]);

        const claimed = await claim("first", 2_000_000);
        expect(claimed).toEqual([
          {
            topic,
            callback: "https://a.example.net/push",
            generation: 1,
            attempt: 1,
            subscription: expect.objectContaining({
              callback: "https://a.example.net/push",
              secret: "k",
              expiresAt,
            }) as unknown,
          },
          {
            topic,
            callback: "https://b.example.net/push",
            generation: 1,
            attempt: 1,
            subscription: expect.objectContaining({ secret: null }) as unknown,
          },
        ]);
        // Leased: nobody else gets them until the lease lapses.
        expect(await claim("second", 2_059_999)).toEqual([]);
        expect(await store.nextDeliveryAt()).toBe(2_060_000);

        for (const delivery of claimed) await store.finishDelivery(delivery, "first", null);
        expect(await store.nextDeliveryAt()).toBeUndefined();
        expect(await claim("third", 3_000_000)).toEqual([]);
      });

      it("reschedules a failed attempt, and a lapsed lease (its sender died) is claimed again as the next attempt", async () => {
        await subscribe("https://a.example.net/push");
        await store.queueDeliveries(topic, 2_000_000);
        const [first] = await claim("old-leader", 2_000_000);
        expect(first?.attempt).toBe(1);
        await store.finishDelivery(first!, "old-leader", 2_030_000);
        expect(await store.nextDeliveryAt()).toBe(2_030_000);
        expect(await claim("x", 2_029_999)).toEqual([]);

        const [second] = await claim("old-leader-2", 2_030_000);
        expect(second?.attempt).toBe(2);
        // The sender died mid-attempt: its lease lapses and a new leader takes the row over.
        const [third] = await claim("new-leader", 2_030_000 + 60_000);
        expect(third).toMatchObject({ attempt: 3, generation: 1 });
        // The dead sender's late report changes nothing: the row is the new leader's.
        await store.finishDelivery(second!, "old-leader-2", null);
        expect(await store.nextDeliveryAt()).toBe(2_030_000 + 120_000);
        await store.finishDelivery(third!, "new-leader", null);
        expect(await store.nextDeliveryAt()).toBeUndefined();
      });

      it("a newer change supersedes a pending delivery: attempts restart, the lease is kept, the old report only releases it", async () => {
        await subscribe("https://a.example.net/push");
        await store.queueDeliveries(topic, 2_000_000);
        const [sending] = await claim("sender", 2_000_000);
        expect(await store.queueDeliveries(topic, 2_010_000)).toBe(1);
        // Still leased: the subscriber never gets two requests at once.
        expect(await claim("other", 2_010_000)).toEqual([]);
        await store.finishDelivery(sending!, "sender", null);
        expect(await store.nextDeliveryAt()).toBe(2_010_000);
        expect(await claim("sender", 2_010_000)).toEqual([expect.objectContaining({ generation: 2, attempt: 1 })]);
      });

      it("drops queued deliveries whose subscription was removed or expired instead of claiming them", async () => {
        await subscribe("https://a.example.net/push");
        await subscribe("https://b.example.net/push", { expiresAt: 2_500_000 });
        await store.queueDeliveries(topic, 2_000_000);
        await store.removeSubscription(topic, "https://a.example.net/push");
        expect(await claim("late", 2_500_000)).toEqual([]);
        expect(await store.nextDeliveryAt()).toBeUndefined();
      });

      it("never hands one row to two concurrent claims", async () => {
        for (let i = 0; i < 20; i++) await subscribe(`https://r${String(i).padStart(2, "0")}.example.net/push`);
        await store.queueDeliveries(topic, 2_000_000);
        const batches = await Promise.all(["a", "b", "c", "d"].map((token) => claim(token, 2_000_000, 8)));
        const callbacks = batches.flat().map((delivery) => delivery.callback);
        expect(callbacks).toHaveLength(20);
        expect(new Set(callbacks).size).toBe(20);
      });

      it("does not move the item revision", async () => {
        const before = await store.revision();
        await subscribe("https://a.example.net/push");
        await store.queueDeliveries(topic, 2_000_000);
        const [delivery] = await claim("t", 2_000_000);
        await store.finishDelivery(delivery!, "t", null);
        expect(await store.revision()).toBe(before);
      });
    });

    describe("watchChanges (the change log)", () => {
      let peer: Store | undefined;
      let watch: ChangeWatch | undefined;

      afterEach(async () => {
        await watch?.stop();
        await peer?.close();
        watch = undefined;
        peer = undefined;
      });

      async function watching(): Promise<ReturnType<typeof changeRecorder>> {
        const recorder = changeRecorder();
        // A long poll: every foreign change below is found by checkNow, not by a timer.
        watch = await store.watchChanges((change) => recorder.listener(change), { pollMs: 60_000 });
        return recorder;
      }

      it("reports this instance's own write as ours, with the categories it touched", async () => {
        const { seen, reported } = await watching();
        await store.commitRun(run("walaw-world", 1), [makeItem("a", { categories: ["world", "technology"] })], 1);
        await reported(1);
        expect(seen).toEqual([{ revision: 1, categories: ["technology", "world"], ours: true }]);
      });

      it("reports another instance's write as not ours, with its categories, once, by checkNow", async () => {
        peer = await openPeer();
        const { seen, reported } = await watching();
        await peer.commitRun(run("walaw-world", 1), [makeItem("a", { categories: ["morocco-economy"] })], 1);
        await peer.setItemCategories([{ id: "a", categories: ["world"] }], 2);
        await watch?.checkNow();
        await watch?.checkNow();
        await reported(2);
        expect(seen).toEqual([
          { revision: 1, categories: ["morocco-economy"], ours: false },
          { revision: 2, categories: ["morocco-economy", "world"], ours: false },
        ]);
      });

      it("reports each write of either instance once, whichever committed first", async () => {
        peer = await openPeer();
        const { seen, reported } = await watching();
        await peer.commitRun(run("b", 1), [makeItem("foreign", { sourceId: "b", categories: ["world"] })], 1);
        await store.commitRun(run("a", 1), [makeItem("own", { sourceId: "a", categories: ["technology"] })], 1);
        await peer.prune("b", { maxItemsPerSource: 0, maxAgeMs: Infinity }, 2);
        await watch?.checkNow();
        await reported(3);
        expect([...seen].sort((a, b) => a.revision - b.revision)).toEqual([
          { revision: 1, categories: ["world"], ours: false },
          { revision: 2, categories: ["technology"], ours: true },
          { revision: 3, categories: ["world"], ours: false },
        ]);
      });

      it("logs nothing for a rolled-back write or one that changed nothing", async () => {
        peer = await openPeer();
        const { seen, reported } = await watching();
        await store.commitRun(run("walaw-world", 1), [makeItem("a")], 1);
        const broken = { ...makeItem("bad"), title: null } as unknown as ClassifiedItem;
        await expect(peer.commitRun(run("walaw-world", 2), [makeItem("b"), broken], 2)).rejects.toThrow();
        await peer.commitRun(run("walaw-world", 3), [makeItem("a")], 3); // unchanged
        await peer.commitRun(run("walaw-world", 4), [makeItem("c", { categories: ["technology"] })], 4);
        await watch?.checkNow();
        await reported(2);
        // Had the rolled-back write logged anything, revision 2 would be its row, or a gap ("every category").
        expect(seen).toEqual([
          { revision: 1, categories: ["world"], ours: true },
          { revision: 2, categories: ["technology"], ours: false },
        ]);
        expect(await store.revision()).toBe(2);
      });

      it("reports nothing after stop", async () => {
        peer = await openPeer();
        const { seen } = await watching();
        await watch?.stop();
        await store.commitRun(run("walaw-world", 1), [makeItem("a")], 1);
        await peer.commitRun(run("walaw-world", 2), [makeItem("b")], 2);
        const after = await watching();
        await peer.commitRun(run("walaw-world", 3), [makeItem("c")], 3);
        await watch?.checkNow();
        await after.reported(1);
        expect(after.seen).toEqual([{ revision: 3, categories: ["world"], ours: false }]);
        expect(seen).toEqual([]);
      });
    });
  });
}
