import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { classificationFingerprint } from "../../src/app/classification-fingerprint.js";
import { startService, type Service } from "../../src/app/service.js";
import { loadConfig, type Config } from "../../src/config/config.js";
import type { Settings } from "../../src/config/settings.js";
import type { StatusReport } from "../../src/http/status.js";
import { openStore } from "../../src/store/open-store.js";
import { TEST_PRODUCT } from "../fixtures/product.js";

/**
 * Every leader start reclassified every stored item (333 s at 1M items, issue 12). The store now
 * keeps the fingerprint of the rules the last whole pass applied, and a new leader skips the
 * pass when its rules have the same one.
 */

const FEED = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Wire</title><link>https://wire.example.org/</link><description>d</description>
<item><title>Quantum sensing startup opens lab in Rabat</title><link>https://wire.example.org/a</link><guid>https://wire.example.org/a</guid><pubDate>Tue, 24 Nov 2026 10:00:00 GMT</pubDate></item>
<item><title>Local choir wins regional contest</title><link>https://wire.example.org/b</link><guid>https://wire.example.org/b</guid><pubDate>Tue, 24 Nov 2026 09:00:00 GMT</pubDate></item>
</channel></rss>`;

const CATEGORIES = (techKeywords: string): string => `categories:
  - slug: technology
    title: Technology
    description: Technology news
    match:
      - keywords: [${techKeywords}]
`;

const SOURCES = `sources:
  - id: wire
    kind: feed
    url: wire.xml
    every: 1h
    retention: { max_items: 100, max_age: 3650d }
`;

const PASS = "stored items reclassified";
const SKIPPED = "stored items reclassification skipped: the store's items were last classified under these same rules";

interface Started {
  readonly service: Service;
  /** The messages this service logged about reclassifying, in order. */
  readonly reclassifications: () => string[];
}

describe("reclassification when a leader starts", () => {
  let dir: string;
  let settings: Settings;
  const services: Service[] = [];

  const config = async (): Promise<Config> => {
    const loaded = await loadConfig(dir, TEST_PRODUCT);
    if (!loaded.ok) throw new Error(`fixture config invalid: ${JSON.stringify(loaded.problems)}`);
    return loaded.config;
  };

  /** Starts a leader and waits until its start-up reclassification (run or skipped) is done. */
  const start = async (): Promise<Started> => {
    const messages: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString("utf8").split("\n").filter(Boolean))
          messages.push((JSON.parse(line) as { msg: string }).msg);
        done();
      },
    });
    const service = await startService(
      settings,
      { config: await config(), loadedAt: Date.now(), warnings: [] },
      { clock: Date.now, logger: pino({ level: "info" }, sink), runWorker: true, watchConfig: false },
    );
    services.push(service);
    // The solo leader leads from start, so the start-up pass is already queued: wait for the queue.
    await service.reloader.idle();
    return { service, reclassifications: () => messages.filter((msg) => msg === PASS || msg === SKIPPED) };
  };
  const stop = async (service: Service): Promise<void> => {
    await service.stop();
    services.splice(services.indexOf(service), 1);
  };
  const storedFingerprint = async (): Promise<string | undefined> => {
    const store = await openStore(settings.database, { clock: Date.now });
    try {
      return await store.classificationFingerprint();
    } finally {
      await store.close();
    }
  };
  const technology = async (service: Service): Promise<string[]> => {
    const feed = (await (await fetch(`${service.address}/feeds/technology.json`)).json()) as {
      items: Array<{ title: string }>;
    };
    return feed.items.map((item) => item.title);
  };

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "leadership-reclassify-"));
    await writeFile(path.join(dir, "wire.xml"), FEED);
    await writeFile(path.join(dir, "sources.yaml"), SOURCES);
    await writeFile(path.join(dir, "categories.yaml"), CATEGORIES("startup"));
    settings = {
      port: 0,
      host: "127.0.0.1",
      baseUrl: "http://feeds.test",
      configDir: dir,
      database: { kind: "sqlite", path: path.join(dir, "feeds.db") },
      feedsDir: path.join(dir, "feeds"),
      logLevel: "silent",
      webConcurrency: 1,
    };
  });

  afterEach(async () => {
    for (const service of services.splice(0)) await service.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("records the rules after the first pass, then skips the pass on a restart with the same rules", async () => {
    const first = await start();
    expect(first.reclassifications()).toEqual([PASS]);
    const { runtime } = first.service;
    await vi.waitUntil(async () => (await runtime.store.categoryStats()).length > 0, { timeout: 8000 });
    await stop(first.service);
    expect(await storedFingerprint()).toBe(classificationFingerprint(await config()));

    const second = await start();
    expect(second.reclassifications()).toEqual([SKIPPED]);
    // /status claims no pass that did not run.
    const report = (await (await fetch(`${second.service.address}/status.json`)).json()) as StatusReport;
    expect(report.config.reclassified).toBeUndefined();
    expect(await technology(second.service)).toEqual(["Quantum sensing startup opens lab in Rabat"]);
  });

  it("runs the pass when the rules changed while no leader ran, and when a reload changes them", async () => {
    const first = await start();
    await vi.waitUntil(async () => (await technology(first.service)).length === 1, { timeout: 8000 });
    await stop(first.service);

    await writeFile(path.join(dir, "categories.yaml"), CATEGORIES("startup, choir"));
    await rm(path.join(dir, "wire.xml")); // only a reclassification can move the choir story now
    const second = await start();
    expect(second.reclassifications()).toEqual([PASS]);
    expect(await technology(second.service)).toEqual([
      "Quantum sensing startup opens lab in Rabat",
      "Local choir wins regional contest",
    ]);
    const edited = await config();
    expect(await second.service.runtime.store.classificationFingerprint()).toBe(classificationFingerprint(edited));

    await writeFile(path.join(dir, "categories.yaml"), CATEGORIES("choir"));
    expect(await second.service.reloader.reload("test")).toMatchObject({ ok: true, reclassified: 1 });
    expect(second.reclassifications()).toEqual([PASS, PASS]);
    expect(await technology(second.service)).toEqual(["Local choir wins regional contest"]);
    const reloaded = classificationFingerprint(await config());
    expect(reloaded).not.toBe(classificationFingerprint(edited));
    expect(await second.service.runtime.store.classificationFingerprint()).toBe(reloaded);
  });

  it("keeps the old fingerprint when a pass fails before it completes, so the next leader runs it again", async () => {
    const first = await start();
    const { store } = first.service.runtime;
    await vi.waitUntil(async () => (await technology(first.service)).length === 1, { timeout: 8000 });
    const before = await store.classificationFingerprint();
    expect(before).toBe(classificationFingerprint(await config()));

    await writeFile(path.join(dir, "categories.yaml"), CATEGORIES("startup, choir"));
    vi.spyOn(store, "setItemCategories").mockRejectedValueOnce(new Error("store: disk I/O error"));
    expect(await first.service.reloader.reload("test")).toMatchObject({ ok: false });
    expect(await store.classificationFingerprint()).toBe(before);
    await stop(first.service);

    const second = await start();
    expect(second.reclassifications()).toEqual([PASS]);
    expect(await technology(second.service)).toEqual([
      "Quantum sensing startup opens lab in Rabat",
      "Local choir wins regional contest",
    ]);
    expect(await storedFingerprint()).toBe(classificationFingerprint(await config()));
  });
});
