import { mkdtemp, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { collectOnce } from "../../src/app/collect.js";
import { startService, type Service, type ServiceOptions } from "../../src/app/service.js";
import { loadConfig, type Config } from "../../src/config/config.js";
import type { Settings } from "../../src/config/settings.js";
import type { FeedVariant } from "../../src/publish/feed-variant.js";
import { openStore } from "../../src/store/open-store.js";
import { makeItem } from "../store/store-contract.js";
import { startSubscriber, type Subscriber } from "../websub/hub-fixture.js";
import { TEST_PRODUCT } from "../fixtures/product.js";

const logger = pino({ level: "silent" });
const BASE_URL = "http://feeds.test";
const POLL_MS = 20;
const WORLD_JSON: FeedVariant = { slug: "world", format: "json", query: { categories: ["world"], limit: 50, page: 1 } };
const TECHNOLOGY_JSON: FeedVariant = {
  slug: "technology",
  format: "json",
  query: { categories: ["technology"], limit: 50, page: 1 },
};

const story = (id: string, title: string, hour: number): string =>
  `<item><title>${title}</title><link>https://wire.example.org/${id}</link><guid>https://wire.example.org/${id}</guid><pubDate>Tue, 24 Nov 2026 ${String(hour).padStart(2, "0")}:00:00 GMT</pubDate></item>`;
const FEED = (...items: string[]): string =>
  `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Wire</title><link>https://wire.example.org/</link><description>d</description>${items.join("")}</channel></rss>`;
const UN = story("un", "United Nations envoy arrives in Rabat", 10);
const LAB = story("lab", "Quantum sensing startup opens lab in Rabat", 9);
const CHOIR = story("choir", "Local choir wins regional contest", 8);

const CATEGORIES = (techRules: string): string => `categories:
  - slug: world
    title: World
    description: International news
    match:
      - keywords: [United Nations]
  - slug: technology
    title: Technology
    description: Technology news
    match:
      - keywords: [${techRules}]
`;

const SOURCES = (every: string): string => `websub:
  allowed_callback_networks: [127.0.0.1/32]
sources:
  - id: wire
    kind: feed
    url: wire.xml
    every: ${every}
    retention: { max_items: 100, max_age: 3650d }
`;

async function until(check: () => Promise<boolean> | boolean, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("the service over an SQLite file", () => {
  let dir: string;
  let settings: Settings;
  const services: Service[] = [];
  let subscriber: Subscriber | undefined;

  const config = async (): Promise<Config> => {
    const loaded = await loadConfig(dir, TEST_PRODUCT);
    if (!loaded.ok) throw new Error(`fixture config invalid: ${JSON.stringify(loaded.problems)}`);
    return loaded.config;
  };
  const start = async (options: Partial<ServiceOptions> = {}): Promise<Service> => {
    const service = await startService(
      { ...settings, feedsDir: path.join(dir, `feeds-${services.length}`) },
      { config: await config(), loadedAt: Date.now(), warnings: [] },
      { clock: Date.now, logger, runWorker: true, watchConfig: false, storePollMs: POLL_MS, ...options },
    );
    services.push(service);
    return service;
  };
  const titles = async (service: Service, slug: string): Promise<string[]> => {
    const feed = (await (await fetch(`${service.address}/feeds/${slug}.json`)).json()) as {
      items: Array<{ title: string }>;
    };
    return feed.items.map((item) => item.title);
  };

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "service-"));
    settings = {
      port: 0,
      host: "127.0.0.1",
      baseUrl: BASE_URL,
      configDir: dir,
      database: { kind: "sqlite", path: path.join(dir, "feeds.db") },
      feedsDir: dir,
      logLevel: "silent",
      webConcurrency: 1,
    };
    await writeFile(path.join(dir, "wire.xml"), FEED(UN, CHOIR));
    await writeFile(path.join(dir, "sources.yaml"), SOURCES("1h"));
    await writeFile(path.join(dir, "categories.yaml"), CATEGORIES("startup"));
  });

  afterEach(async () => {
    for (const service of services.splice(0)) await service.stop();
    await subscriber?.close();
    subscriber = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps another category's cached render past the store check after a local change, and publishes the change once (bug: the poller flushed the whole cache ~2 s after every local change)", async () => {
    const service = await start();
    await until(async () => (await titles(service, "all")).length === 2);
    expect(await titles(service, "world")).toEqual(["United Nations envoy arrives in Rabat"]);
    const world = service.runtime.feeds.cached(WORLD_JSON);
    expect(world).toBeDefined();
    const snapshotRequests = vi.spyOn(service.snapshots, "request");

    await writeFile(path.join(dir, "wire.xml"), FEED(UN, LAB, CHOIR));
    const result = await service.runtime.worker.runSource("wire", { force: true });
    expect(result?.changedCategories).toEqual(["technology"]);
    await service.checkStoreNow();
    expect(service.runtime.feeds.cached(WORLD_JSON)).toBe(world);
    // Once by the runtime's own change path; the store watch leaves our own change out.
    expect(snapshotRequests).toHaveBeenCalledTimes(1);
    // A collect's change may be served from the previous bytes while it re-renders (render-cache.ts);
    // the snapshot it requested renders the feed fresh.
    await service.snapshots.idle();
    expect(await titles(service, "technology")).toEqual(["Quantum sensing startup opens lab in Rabat"]);
  });

  it("re-renders only the category another process's commit touched (`npm run collect` writing one category)", async () => {
    const service = await start();
    await until(async () => (await titles(service, "all")).length === 2);
    const feeds = service.runtime.feeds;
    const world = await feeds.render(WORLD_JSON);
    await feeds.render(TECHNOLOGY_JSON);

    // Another store instance over the same file, as `npm run collect` opens.
    const collector = await openStore(settings.database, { clock: Date.now });
    try {
      const written = await collector.commitRun(
        { sourceId: "collector", at: Date.now() },
        [makeItem("urn:lab", { sourceId: "collector", title: "Lab opens", categories: ["technology"] })],
        Date.now(),
      );
      expect(written.changedCategories).toEqual(["technology"]);
    } finally {
      await collector.close();
    }
    await service.checkStoreNow();

    expect(feeds.cached(WORLD_JSON)).toBe(world);
    // The FEEDS_DIR snapshot renders the changed feeds too, on its own schedule: count after it
    // (counting across it made this test fail now and then under load: 21 misses for 16).
    await service.snapshots.idle();
    const misses = feeds.cache.stats().misses;
    expect(await feeds.render(WORLD_JSON)).toBe(world);
    expect(feeds.cache.stats().misses).toBe(misses);
    expect((await feeds.render(TECHNOLOGY_JSON)).identity.toString("utf8")).toContain("Lab opens");
  });

  it("pushes a change another process committed to WebSub subscribers, once (bug: only the leader's own changes were pushed; `npm run collect` beside `npm start` only invalidated caches)", async () => {
    const service = await start();
    await until(async () => (await titles(service, "all")).length === 2);
    subscriber = await startSubscriber();
    const sub = subscriber;
    const subscribe = await fetch(`${service.address}/websub`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        "hub.mode": "subscribe",
        "hub.topic": `${BASE_URL}/feeds/world.rss`,
        "hub.callback": `${sub.origin}/push`,
      }).toString(),
    });
    expect(subscribe.status).toBe(202);
    await until(async () => (await service.runtime.store.listSubscribedTopics(Date.now())).length === 1);
    await titles(service, "world"); // cached before the other process writes

    // `npm run collect` beside `npm start`: another process, its own connection to the file.
    await writeFile(
      path.join(dir, "wire.xml"),
      FEED(story("un2", "United Nations opens Casablanca office", 11), UN, CHOIR),
    );
    const collected = await collectOnce(
      { ...settings, feedsDir: path.join(dir, "collect-snapshot") },
      { config: await config(), loadedAt: Date.now(), warnings: [] },
      logger,
    );
    expect(collected.filter((result) => !result.ok)).toEqual([]);

    await until(() => sub.deliveries().length > 0);
    expect(sub.deliveries()[0]?.body.toString("utf8")).toContain("United Nations opens Casablanca office");
    expect(await titles(service, "world")).toEqual([
      "United Nations opens Casablanca office",
      "United Nations envoy arrives in Rabat",
    ]);
    const flushes = vi.spyOn(service.runtime.feeds, "invalidateAll");
    await service.checkStoreNow();
    expect(flushes).not.toHaveBeenCalled();
    expect(sub.deliveries()).toHaveLength(1);
  });

  it("reclassifies stored items when it starts leading (bug: categories.yaml edited while the service was down left stale categories)", async () => {
    const first = await start();
    await until(async () => (await titles(first, "all")).length === 2);
    expect(await titles(first, "technology")).toEqual([]);
    await first.stop();

    // Edited while down; the upstream is gone too, so only a reclassification can move the choir story.
    await writeFile(path.join(dir, "categories.yaml"), CATEGORIES("startup, choir"));
    await unlink(path.join(dir, "wire.xml"));
    const second = await start();
    await until(async () => (await titles(second, "technology")).length === 1);
    expect(await titles(second, "technology")).toEqual(["Local choir wins regional contest"]);
    expect((await second.runtime.store.getSourceState("wire"))?.lastError).toBeDefined();
  });

  it("sends the same max-age from a replica that runs no worker as from the leader (bug: non-leaders always sent the upper bound)", async () => {
    await writeFile(path.join(dir, "sources.yaml"), SOURCES("7m"));
    // A fixed instant, not the time of day (bug: the test flaked on the second the suite ran at,
    // since the cron tick a 7-minute source waits for is fixed within the minute).
    let now = Date.parse("2026-11-25T10:00:00Z");
    const clock = (): number => now;
    const leader = await start({ clock });
    await until(async () => (await titles(leader, "all")).length === 2);
    const replica = await start({ clock, runWorker: false });
    const maxAge = async (service: Service): Promise<number> => {
      const header = (await fetch(`${service.address}/feeds/all.json`)).headers.get("cache-control") ?? "";
      return Number(/max-age=(\d+)/.exec(header)?.[1]);
    };
    // Max-age is computed once per clock second from the source states last read (each
    // computation starts the next read): one warm-up second and its reads, then both answer at the same instant.
    const reads = [leader, replica].map((service) => vi.spyOn(service.runtime.store, "listSourceStatesSince"));
    now += 1000;
    await Promise.all([maxAge(leader), maxAge(replica)]);
    await Promise.all(reads.flatMap((read) => read.mock.results.map((result) => result.value as Promise<unknown>)));
    now += 1000;
    const fromLeader = await maxAge(leader);
    // The source ran at 10:00:00. A 7-minute interval ticks every minute at the source's own second
    // (:04 for "wire", schedule-plan.ts) once 7 min - 1 s have passed: 10:07:04, 422 s after 10:00:02.
    expect(fromLeader).toBe(422);
    expect(await maxAge(replica)).toBe(fromLeader);
  });
});
