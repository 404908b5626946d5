/**
 * Migration 6 ("stories"), checked the same way on both stores: items stored before stories
 * existed get theirs when the store next opens, oldest first, so a ticker line stored before its
 * article gives the story its id, exactly as if both had arrived after the upgrade.
 */
import { expect } from "vitest";
import type { Store } from "../../src/store/store.js";
import { makeItem } from "./store-contract.js";

const PAGE = "https://example.org/2026/06/legacy-story";

/** `atVersion5` is a store whose schema stops before migration 6; `upgrade` migrates it and returns it. */
export async function checkStoryBackfill(atVersion5: Store, upgrade: () => Promise<Store>): Promise<Store> {
  const line = makeItem("urn:sha256:legacy-line", {
    sourceId: "ticker",
    kind: "ticker",
    url: `${PAGE}?utm_medium=ticker`,
    published: 2_000,
    categories: ["world"],
  });
  const article = makeItem(PAGE, {
    sourceId: "articles",
    url: PAGE,
    contentHtml: "<p>Body</p>",
    published: 1_000,
    categories: ["technology"],
  });
  const other = makeItem("urn:other", {
    sourceId: "articles",
    url: "https://example.org/other",
    published: 500,
    categories: ["world"],
  });
  await atVersion5.commitRun({ sourceId: "ticker", at: 10_000 }, [line], 10_000);
  await atVersion5.commitRun({ sourceId: "articles", at: 11_000 }, [article, other], 11_000);
  expect((await atVersion5.queryFeed({ categories: [], limit: 50, page: 1 })).items).toHaveLength(3);
  const revisionBefore = await atVersion5.revision();

  const store = await upgrade();
  const { items } = await store.queryFeed({ categories: [], limit: 50, page: 1 });
  expect(items.map((item) => item.id)).toEqual(["urn:sha256:legacy-line", "urn:other"]);
  expect(items[0]).toMatchObject({ contentHtml: "<p>Body</p>", categories: ["technology", "world"], published: 2_000 });
  // The single-item story keeps the item's own change time: its feeds' validators do not move for nothing.
  expect(items[1]).toMatchObject({ changedAt: 11_000 });
  expect(await store.revision()).toBeGreaterThan(revisionBefore);
  expect(
    (await store.queryFeed({ categories: [], kind: "ticker", limit: 50, page: 1 })).items.map((item) => item.id),
  ).toEqual(["urn:sha256:legacy-line"]);
  // New items find the adopted stories by their keys.
  const again = makeItem("tag:feed.example,2026:1", {
    sourceId: "feed",
    url: `${PAGE}#top`,
    published: 3_000,
    categories: ["morocco-economy"],
  });
  await store.commitRun({ sourceId: "feed", at: 20_000 }, [again], 20_000);
  expect(
    (await store.queryFeed({ categories: ["morocco-economy"], limit: 50, page: 1 })).items.map((item) => item.id),
  ).toEqual(["urn:sha256:legacy-line"]);
  return store;
}
