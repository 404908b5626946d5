import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startService, type Service } from "../../src/app/service.js";
import { loadConfig, type Config } from "../../src/config/config.js";
import {
  eventually,
  lockRetriedTwice,
  postgresTestUrl,
  SKIP_HINT,
  testSchemas,
  urlWithSchema,
} from "../store/postgres-test-db.js";
import { startSubscriber } from "../websub/hub-fixture.js";
import { TEST_PRODUCT } from "../fixtures/product.js";

const url = postgresTestUrl();
if (!url) console.warn(`Replica tests SKIPPED: ${SKIP_HINT}`);

const FEED = (
  title: string,
): string => `<?xml version="1.0"?><rss version="2.0"><channel><title>W</title><link>https://w.example.org/</link><description>d</description>
<item><title>${title}</title><link>https://w.example.org/${encodeURIComponent(title)}</link><pubDate>Tue, 24 Nov 2026 10:00:00 GMT</pubDate></item></channel></rss>`;

(url ? describe : describe.skip)(
  url ? "replicas over one PostgreSQL" : `replicas over one PostgreSQL SKIPPED: ${SKIP_HINT}`,
  () => {
    const schemas = url ? testSchemas(url) : undefined;
    let dir: string;
    let config: Config;
    let databaseUrl: string;
    const services: Service[] = [];

    /** A replica whose sessions are named `replicas-<n>` (pg_stat_activity), n counting from 0. */
    const start = async (): Promise<Service> => {
      const named = new URL(databaseUrl);
      named.searchParams.set("application_name", `replicas-${services.length}`);
      const service = await startService(
        {
          port: 0,
          host: "127.0.0.1",
          baseUrl: "http://feeds.test",
          configDir: dir,
          database: { kind: "postgres", url: named.toString() },
          feedsDir: path.join(dir, `feeds-${services.length}`),
          logLevel: "silent",
          webConcurrency: 1,
        },
        { config, loadedAt: Date.now(), warnings: [] },
        {
          clock: Date.now,
          logger: pino({ level: "silent" }),
          runWorker: true,
          watchConfig: false,
          shutdownTimeoutMs: 2000,
        },
      );
      services.push(service);
      return service;
    };
    const titles = async (service: Service): Promise<string[]> => {
      const feed = (await (await fetch(`${service.address}/feeds/all.json`)).json()) as {
        items: Array<{ title: string }>;
      };
      return feed.items.map((item) => item.title);
    };

    beforeAll(async () => {
      if (!url || !schemas) return;
      databaseUrl = urlWithSchema(url, await schemas.create());
      dir = await mkdtemp(path.join(tmpdir(), "replicas-"));
      await writeFile(path.join(dir, "w.xml"), FEED("First story"));
      await writeFile(
        path.join(dir, "sources.yaml"),
        "websub: { allowed_callback_networks: [127.0.0.1/32] }\nsources:\n  - id: w\n    kind: feed\n    url: w.xml\n    every: 1h\n    retention: { max_items: 100, max_age: 3650d }\n",
      );
      await writeFile(
        path.join(dir, "categories.yaml"),
        "categories:\n  - slug: world\n    title: World\n    description: d\n    match:\n      - keywords: [story]\n",
      );
      const loaded = await loadConfig(dir, TEST_PRODUCT);
      if (!loaded.ok) throw new Error("fixture config invalid");
      config = loaded.config;
    });

    afterAll(async () => {
      for (const service of services) await service.stop();
      await schemas?.dropAll();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it("elects exactly one worker, keeps every replica's feeds in step, and hands over when the leader stops", async () => {
      const a = await start();
      await eventually("a leads", () => a.isLeader());
      const b = await start();
      // b has tried for the lock twice while a holds it.
      await lockRetriedTwice(databaseUrl, "replicas-1", 10_000);
      expect([a.isLeader(), b.isLeader()]).toEqual([true, false]);
      const replicaStatus = (await (await fetch(`${b.address}/status.json`)).json()) as {
        worker: { leader: boolean };
        sources: { id: string; nextRunAt?: string }[];
      };
      expect(replicaStatus.worker.leader).toBe(false);
      // A replica without the worker still tells ops when each source runs next (was: nothing).
      for (const source of replicaStatus.sources) expect(source.nextRunAt, source.id).toMatch(/^\d{4}-\d\d-\d\dT/);

      await eventually("the leader collected", async () => (await titles(a)).includes("First story"));
      expect(await titles(b)).toEqual(["First story"]);

      // A change written by the leader reaches the replica's cache through LISTEN/NOTIFY.
      await writeFile(path.join(dir, "w.xml"), FEED("Second story"));
      await a.runtime.worker.runSource("w", { force: true });
      await eventually("the replica sees the change", async () => (await titles(b)).includes("Second story"), 5000);
      // …and rewrites its static snapshot too (regression: only the collecting instance did).
      await eventually(
        "the replica's snapshot has it",
        async () =>
          (await readFile(path.join(dir, "feeds-1", "all.json"), "utf8").catch(() => "")).includes("Second story"),
        5000,
      );
      expect((await fetch(`${a.address}/feeds/all.json`)).headers.get("etag")).toBe(
        (await fetch(`${b.address}/feeds/all.json`)).headers.get("etag"),
      );

      await a.stop();
      await eventually("b takes over", () => b.isLeader(), 10_000);
    });

    it("the leader pushes to WebSub subscribers a change another replica committed, and its own, once each (bug: only the leader's own changes were pushed)", async () => {
      await eventually(
        "a leader among the running replicas",
        () => services.some((service) => service.isLeader()),
        10_000,
      );
      const leader = services.find((service) => service.isLeader());
      if (!leader) throw new Error("no leader");
      const replica = await start();
      const subscriber = await startSubscriber();
      try {
        const subscribe = await fetch(`${replica.address}/websub`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({
            "hub.mode": "subscribe",
            "hub.topic": "http://feeds.test/feeds/all.rss",
            "hub.callback": `${subscriber.origin}/push`,
          }).toString(),
        });
        expect(subscribe.status).toBe(202);
        await eventually(
          "subscribed",
          async () => (await leader.runtime.store.listSubscribedTopics(Date.now())).length === 1,
        );

        // An admin refresh on a replica that is not the leader.
        await writeFile(path.join(dir, "w.xml"), FEED("Third story"));
        await replica.runtime.worker.runSource("w", { force: true });
        await eventually("pushed", () => subscriber.deliveries().length === 1, 5000);
        expect(subscriber.deliveries()[0]?.body.toString("utf8")).toContain("Third story");

        await writeFile(path.join(dir, "w.xml"), FEED("Fourth story"));
        await leader.runtime.worker.runSource("w", { force: true });
        await eventually("pushed again", () => subscriber.deliveries().length === 2, 5000);
        // A later change's push is the witnessed event: deliveries to one subscriber go out in
        // queue order, so a second push of the Fourth story (the leader's own NOTIFY taken as a
        // foreign change) would arrive before the Fifth.
        await writeFile(path.join(dir, "w.xml"), FEED("Fifth story"));
        await leader.runtime.worker.runSource("w", { force: true });
        await eventually(
          "the fifth pushed",
          () => subscriber.deliveries().some((push) => push.body.toString("utf8").includes("Fifth story")),
          5000,
        );
        const pushed = subscriber.deliveries().map((push) => push.body.toString("utf8"));
        expect(pushed).toHaveLength(3);
        expect(pushed[1]).toContain("Fourth story");
        expect(pushed[2]).toContain("Fifth story");
      } finally {
        await subscriber.close();
      }
    });
  },
);
