import { expect } from "vitest";
import type { Store } from "../../src/store/store.js";

const TOPIC = "https://news.example.org/feeds/world.rss";

/** Callbacks stored before migration 7, spelled as URL.href stores them; three name one host. */
const CALLBACKS = [
  "https://reader.example.net/a",
  "https://user:pa%40ss@reader.example.net:8443/b?x=1",
  "http://reader.example.net/c",
  "http://[::1]:9000/d",
  "https://other.example.org/e",
];

/** SQL (both dialects) that stores the legacy subscriptions in a schema at version 6. */
export const LEGACY_SUBSCRIPTIONS_SQL = `INSERT INTO websub_subscriptions
  (topic, callback, secret, lease_seconds, verified_at, expires_at) VALUES
  ${CALLBACKS.map((callback) => `('${TOPIC}', '${callback}', NULL, 3600, 1000, 9000000)`).join(",\n  ")}`;

/**
 * Migration 7 fills in the callback host of subscriptions stored before it (the per-host cap
 * counts them), by the same rule new rows get (src/urls/callback-host.ts).
 */
export async function checkHostBackfill(store: Store): Promise<void> {
  const caps = { perHost: 3, total: 100 };
  const preview = (callback: string) => store.previewSubscription(TOPIC, callback, caps, 2000);
  expect(await preview("https://reader.example.net/new")).toBe("host-full");
  expect(await preview("https://other.example.org/new")).toBe("created");
  expect(await store.previewSubscription(TOPIC, "http://[::1]/x", { perHost: 1, total: 100 }, 2000)).toBe("host-full");
  expect(await store.previewSubscription(TOPIC, "https://new.example/x", { perHost: 9, total: 5 }, 2000)).toBe(
    "hub-full",
  );
}
