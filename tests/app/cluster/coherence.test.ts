/**
 * Issue 12: several processes serve one store, each with its own render cache. A change one of
 * them commits must reach every other's cache at once, through the relay, not at the next store
 * poll: here the poll runs once an hour, so only the relay can make the server process answer the
 * new story. Two services in one test process stand in for two forked ones; `bus` does what the
 * primary does with "store-changed" (supervisor.test.ts tests that relay itself).
 */
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { joinCluster, type ClusterMember, type MemberChannel } from "../../../src/app/cluster/member.js";
import type { MemberMessage, ProcessRole } from "../../../src/app/cluster/messages.js";
import { startService, type Service } from "../../../src/app/service.js";
import { loadConfig } from "../../../src/config/config.js";
import type { Settings } from "../../../src/config/settings.js";
import { TEST_PRODUCT } from "../../fixtures/product.js";
import { eventually, postgresTestUrl, testSchemas, urlWithSchema } from "../../store/postgres-test-db.js";

const logger = pino({ level: "silent" });
const HOUR_MS = 3_600_000;
const postgresUrl = postgresTestUrl();

const story = (id: string, title: string, hour: number): string =>
  `<item><title>${title}</title><link>https://wire.example.org/${id}</link><guid>https://wire.example.org/${id}</guid><pubDate>Tue, 24 Nov 2026 ${hour}:00:00 GMT</pubDate></item>`;
const FEED = (...items: string[]): string =>
  `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Wire</title><link>https://wire.example.org/</link><description>d</description>${items.join("")}</channel></rss>`;
const UN = story("un", "United Nations envoy arrives in Rabat", 10);
const SUMMIT = story("summit", "United Nations summit opens in Marrakesh", 11);

interface MetricsPart {
  readonly name: string;
  readonly values: ReadonlyArray<{ readonly labels: Record<string, string> }>;
}

/**
 * The primary's relay, in memory: a member's "store-changed" goes to every other member.
 * `metricsOf` asks one member for its metrics part, as the primary's collection does.
 */
function bus(): {
  join(role: ProcessRole, pid: number): ClusterMember;
  relayed: () => number;
  metricsOf: (pid: number) => Promise<MetricsPart[]>;
} {
  const inboxes: Array<(message: unknown) => void> = [];
  const pids: number[] = [];
  const parts = new Map<number, (metrics: MetricsPart[]) => void>();
  let relayed = 0;
  let collection = 0;
  return {
    relayed: () => relayed,
    metricsOf(pid) {
      const id = ++collection;
      return new Promise((resolve) => {
        parts.set(id, resolve);
        inboxes[pids.indexOf(pid)]?.({ feedPublisher: "metrics-collect", id });
      });
    },
    join(role, pid) {
      const index = inboxes.length;
      inboxes.push(() => undefined);
      pids.push(pid);
      const channel: MemberChannel = {
        send: (message: MemberMessage) => {
          if (message.feedPublisher === "metrics-part") parts.get(message.id)?.(message.metrics as MetricsPart[]);
          if (message.feedPublisher !== "store-changed") return;
          relayed++;
          inboxes.forEach((deliver, other) => other !== index && deliver({ feedPublisher: "store-changed" }));
        },
        onMessage: (listener) => (inboxes[index] = listener),
        onDisconnect: () => undefined,
      };
      return joinCluster({ role, pid, channel, rssBytes: () => 0, heartbeatMs: HOUR_MS, metricsTimeoutMs: 5_000 });
    },
  };
}

describe("render caches across the processes of one serve", () => {
  let dir: string;
  let settings: Settings;
  const services: Service[] = [];

  const start = async (member: ClusterMember): Promise<Service> => {
    const loaded = await loadConfig(dir, TEST_PRODUCT);
    if (!loaded.ok) throw new Error(`fixture config invalid: ${JSON.stringify(loaded.problems)}`);
    const service = await startService(
      { ...settings, feedsDir: path.join(dir, `feeds-${member.role}`) },
      { config: loaded.config, loadedAt: Date.now(), warnings: [] },
      {
        clock: Date.now,
        logger,
        runWorker: member.role === "collector",
        watchConfig: false,
        storePollMs: HOUR_MS,
        cluster: member,
      },
    );
    services.push(service);
    return service;
  };
  const titles = async (service: Service): Promise<string[]> => {
    const feed = (await (await fetch(`${service.address}/feeds/world.json`)).json()) as {
      items: Array<{ title: string }>;
    };
    return feed.items.map((item) => item.title);
  };

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "coherence-"));
    settings = {
      port: 0,
      host: "127.0.0.1",
      baseUrl: "http://feeds.test",
      configDir: dir,
      database: { kind: "sqlite", path: path.join(dir, "feeds.db") },
      feedsDir: dir,
      logLevel: "silent",
      webConcurrency: 2,
    };
    await writeFile(path.join(dir, "wire.xml"), FEED(UN));
    await writeFile(
      path.join(dir, "sources.yaml"),
      "sources:\n  - { id: wire, kind: feed, url: wire.xml, every: 1h, categories: [world] }\n",
    );
    await writeFile(
      path.join(dir, "categories.yaml"),
      "categories:\n  - { slug: world, title: World, description: World news, match: [] }\n",
    );
  });

  afterEach(async () => {
    for (const service of services.splice(0)) await service.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("invalidates the server process's cached feed when the collector stores a story", async () => {
    const processes = bus();
    const collector = await start(processes.join("collector", 1));
    const server = await start(processes.join("server", 2));
    await eventually("the start-up collect is stored", async () => (await titles(collector)).length === 1);
    // The server process's cache now holds the one-story feed: its poll comes in an hour.
    await eventually("the relay brings the first collect", async () => (await titles(server)).length === 1);
    expect(await titles(server)).toEqual(["United Nations envoy arrives in Rabat"]);

    await writeFile(path.join(dir, "wire.xml"), FEED(SUMMIT, UN));
    const relayedBefore = processes.relayed();
    await collector.runtime.worker.runSource("wire", { force: true });
    expect(processes.relayed()).toBe(relayedBefore + 1);
    await eventually(
      "the server process answers the new story",
      async () => (await titles(server)).length === 2,
      3_000,
    );
    expect(await titles(server)).toEqual([
      "United Nations summit opens in Marrakesh",
      "United Nations envoy arrives in Rabat",
    ]);
  });

  // PostgreSQL NOTIFY already tells every process of a commit; a relay on top would only make each
  // one read the change log again (a query per process and change).
  (postgresUrl === undefined ? it.skip : it)(
    "relays nothing over PostgreSQL, whose own notifications reach the server process",
    async () => {
      const schemas = testSchemas(postgresUrl ?? "");
      try {
        settings = {
          ...settings,
          database: { kind: "postgres", url: urlWithSchema(postgresUrl ?? "", await schemas.create()) },
        };
        const processes = bus();
        const collector = await start(processes.join("collector", 1));
        const server = await start(processes.join("server", 2));
        await eventually("the start-up collect is stored", async () => (await titles(collector)).length === 1);
        await eventually("the server answers the first collect", async () => (await titles(server)).length === 1);

        await writeFile(path.join(dir, "wire.xml"), FEED(SUMMIT, UN));
        await collector.runtime.worker.runSource("wire", { force: true });
        await eventually("the server answers the new story", async () => (await titles(server)).length === 2);
        expect(processes.relayed()).toBe(0);
      } finally {
        for (const service of services.splice(0)) await service.stop();
        await schemas.dropAll();
      }
    },
  );

  it("writes the FEEDS_DIR snapshot from the collector only", async () => {
    const processes = bus();
    const collector = await start(processes.join("collector", 1));
    const server = await start(processes.join("server", 2));
    await eventually("the start-up collect is stored", async () => (await titles(collector)).length === 1);
    await collector.snapshots.idle();
    await server.snapshots.idle();
    expect(await readdir(path.join(dir, "feeds-collector"))).toContain("world.rss");
    await expect(readdir(path.join(dir, "feeds-server"))).rejects.toThrow(/ENOENT/);
  });

  it("reads source health for /metrics in the collector only, not once per server", async () => {
    const processes = bus();
    const collector = await start(processes.join("collector", 1));
    await start(processes.join("server", 2));
    await eventually("the start-up collect is stored", async () => (await titles(collector)).length === 1);
    const failures = (part: MetricsPart[]) =>
      part.find((metric) => metric.name === "feeds_source_consecutive_failures")?.values.map((v) => v.labels);
    expect(failures(await processes.metricsOf(1))).toEqual([{ source: "wire" }]);
    expect(failures(await processes.metricsOf(2))).toEqual([]);
  });

  it("shows every process on /status.json, and which one answered", async () => {
    const processes = bus();
    const collector = await start(processes.join("collector", 1));
    const report = (await (await fetch(`${collector.address}/status.json`)).json()) as Record<string, unknown>;
    expect(report.processes).toEqual({ answeredBy: 1, list: [] });
    expect(report.worker).toEqual({ leader: true });
  });
});
