/**
 * Migration 4 ("bare guids namespaced by source"), checked the same way on both stores: rows
 * stored under a bare upstream guid before the fix are rekeyed exactly as src/sources/item-id.ts
 * now mints them, so the next pass finds them unchanged instead of storing every story twice.
 */
import { expect } from "vitest";
import { isGlobalId, mintItemId } from "../../src/sources/item-id.js";
import type { Store } from "../../src/store/store.js";
import { makeItem } from "./store-contract.js";

/** Ids a store may hold from before the fix, and whether each stays as it is. */
export const LEGACY_CASES: ReadonlyArray<{ readonly id: string; readonly global: boolean }> = [
  { id: "101", global: false },
  { id: "post:12", global: false },
  { id: "walaw-world-1001", global: false },
  { id: "news\u00a0101", global: false },
  { id: "http://", global: false },
  { id: "urn:x", global: false },
  { id: "tag:nocolon", global: false },
  { id: "https://example.org/a b", global: false },
  { id: "https://example.org/tick`tock", global: false },
  { id: "https://example.org/back\\slash", global: false },
  { id: "urn:isbn:978\u30000000000000", global: false },
  { id: "https://example.org/a", global: true },
  { id: "HTTP://EXAMPLE.ORG/B", global: true },
  { id: "urn:uuid:3f7c1c2e-8a4b-4d1e-9b2a-6c5d4e3f2a1b", global: true },
  { id: "URN:ISBN:9780000000000", global: true },
  { id: "urn:sha256:0123abcd", global: true },
  { id: "tag:le360.example.ma,2025:eu-sahel", global: true },
];

const OWNER = "walaw";
const OTHER = "hespress";

function expectedId(id: string, sourceId = OWNER): string {
  return mintItemId({ sourceId, guid: id, title: "unused" });
}

/**
 * `atVersion3` is a store whose schema stops before migration 4; `upgrade` migrates it (or a new
 * handle on the same database) to the newest version and returns it.
 */
export async function checkLegacyRekey(atVersion3: Store, upgrade: () => Promise<Store>): Promise<Store> {
  for (const { id, global } of LEGACY_CASES) expect(isGlobalId(id), id).toBe(global);
  const stories = LEGACY_CASES.map(({ id }, n) =>
    makeItem(id, { sourceId: OWNER, published: 1_000 + n, categories: ["world"] }),
  );
  await atVersion3.commitRun({ sourceId: OWNER, at: 10_000 }, stories, 10_000);
  // The bug: another source's different story with the same bare guid merged into the first one.
  const otherStory = makeItem("101", {
    sourceId: OTHER,
    url: "https://other.example.org/101", // another page: its own story, not the owner's
    title: "A different story",
    published: 5_000,
    categories: ["technology"],
  });
  await atVersion3.commitRun({ sourceId: OTHER, at: 11_000 }, [otherStory], 11_000);
  const revisionBefore = await atVersion3.revision();

  const store = await upgrade();
  const stored = (await store.queryFeed({ categories: [], limit: 500, page: 1 })).items;
  expect(stored.map((item) => item.id).sort()).toEqual(LEGACY_CASES.map(({ id }) => expectedId(id)).sort());
  const rekeyed = stored.find((item) => item.id === expectedId("101"));
  expect(rekeyed).toMatchObject({
    title: "Story 101",
    sourceId: OWNER,
    published: 1_000,
    firstSeen: 10_000,
    categories: ["world"],
  });
  expect(await store.revision()).toBeGreaterThan(revisionBefore);
  expect(await store.knownIds(["101"])).toEqual(new Set());

  // The next passes mint the new ids: the owner's stories are unchanged, the other source's story arrives.
  const again = await store.commitRun(
    { sourceId: OWNER, at: 20_000 },
    stories.map((story) => ({ ...story, id: expectedId(story.id) })),
    20_000,
  );
  expect(again).toMatchObject({ inserted: [], updated: [], unchanged: LEGACY_CASES.length });
  const other = await store.commitRun(
    { sourceId: OTHER, at: 21_000 },
    [{ ...otherStory, id: expectedId("101", OTHER) }],
    21_000,
  );
  expect(other.inserted).toEqual([expectedId("101", OTHER)]);
  expect(
    (await store.queryFeed({ categories: ["technology"], limit: 10, page: 1 })).items.map((item) => item.title),
  ).toEqual(["A different story"]);
  return store;
}
