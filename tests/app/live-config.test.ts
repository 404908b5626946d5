import { FEED_STYLESHEET } from "../../src/publish/feed-stylesheet.js";
import { mkdir, mkdtemp, readdir, readFile, rename, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startService, type Service } from "../../src/app/service.js";
import { loadConfig } from "../../src/config/config.js";
import { TZ_DATA_VERSION } from "../../src/zones/zone-clock.js";
import type { StatusReport } from "../../src/http/status.js";
import { TEST_PRODUCT } from "../fixtures/product.js";

const logger = pino({ level: "silent" });

const FEED = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Wire</title><link>https://wire.example.org/</link><description>d</description>
<item><title>Quantum sensing startup opens lab in Rabat</title><link>https://wire.example.org/a</link><guid>https://wire.example.org/a</guid><pubDate>Tue, 24 Nov 2026 10:00:00 GMT</pubDate></item>
<item><title>Local choir wins regional contest</title><link>https://wire.example.org/b</link><guid>https://wire.example.org/b</guid><pubDate>Tue, 24 Nov 2026 09:00:00 GMT</pubDate></item>
</channel></rss>`;

const CATEGORIES = (choirRule: string): string => `categories:
  - slug: world
    title: World
    description: International news
    match:
      - keywords: [United Nations]
  - slug: technology
    title: Technology
    description: Technology news
    match:
      - keywords: [startup]
${choirRule}
`;

const SOURCES = (extra = ""): string => `sources:
  - id: wire
    kind: feed
    url: wire.xml
    every: 1h
    retention: { max_items: 100, max_age: 3650d }
${extra}`;

async function json<T>(url: string): Promise<T> {
  const response = await fetch(url);
  return (await response.json()) as T;
}

async function titles(service: Service, slug: string): Promise<string[]> {
  const feed = await json<{ items: Array<{ title: string }> }>(`${service.address}/feeds/${slug}.json`);
  return feed.items.map((item) => item.title);
}

/** Config reloads applied so far, from /metrics. */
async function okReloads(service: Service): Promise<number> {
  const metrics = await (await fetch(`${service.address}/metrics`)).text();
  return Number(/^feeds_config_reloads_total\{outcome="ok"\} (\d+)$/m.exec(metrics)?.[1] ?? 0);
}

async function until(check: () => Promise<boolean>, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("live config", () => {
  let dir: string;
  let service: Service;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "live-config-"));
    await writeFile(path.join(dir, "wire.xml"), FEED);
    await writeFile(path.join(dir, "sources.yaml"), SOURCES());
    await writeFile(path.join(dir, "categories.yaml"), CATEGORIES(""));
    const loaded = await loadConfig(dir, TEST_PRODUCT);
    if (!loaded.ok) throw new Error("fixture config invalid");
    service = await startService(
      {
        port: 0,
        host: "127.0.0.1",
        baseUrl: "http://feeds.test",
        configDir: dir,
        database: { kind: "sqlite", path: ":memory:" },
        feedsDir: path.join(dir, "feeds"),
        logLevel: "silent",
        webConcurrency: 1,
        adminToken: "t0ken-for-tests",
      },
      { config: loaded.config, loadedAt: Date.now(), warnings: [] },
      { clock: Date.now, logger, runWorker: true, watchConfig: true },
    );
    await until(async () => (await titles(service, "all")).length === 2);
  });

  afterEach(async () => {
    await service.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("shows per-source health on /metrics for configured sources only, from the store", async () => {
    const sample = async (name: string, source: string): Promise<number | undefined> => {
      const text = await (await fetch(`${service.address}/metrics`)).text();
      const line = text.split("\n").find((row) => row.startsWith(`${name}{source="${source}"}`));
      return line === undefined ? undefined : Number(line.split(" ")[1]);
    };
    expect(await sample("feeds_source_last_success_timestamp_seconds", "wire")).toBeGreaterThan(0);
    expect(await sample("feeds_source_consecutive_failures", "wire")).toBe(0);
    // A new source whose upstream is missing: attempted, failing, never successful.
    await writeFile(
      path.join(dir, "sources.yaml"),
      SOURCES("  - id: broken\n    kind: feed\n    url: missing.xml\n    every: 1h\n"),
    );
    expect(await service.reloader.reload("test")).toMatchObject({ ok: true });
    await until(async () => ((await sample("feeds_source_consecutive_failures", "broken")) ?? 0) >= 1);
    expect(await sample("feeds_source_last_success_timestamp_seconds", "broken")).toBe(0);
    expect(await sample("feeds_source_last_attempt_timestamp_seconds", "broken")).toBeGreaterThan(0);
    // Removed from the config: its series goes, though its state stays in the store.
    await writeFile(path.join(dir, "sources.yaml"), SOURCES());
    expect(await service.reloader.reload("test")).toMatchObject({ ok: true });
    expect(await sample("feeds_source_consecutive_failures", "broken")).toBeUndefined();
  });

  it("purges a removed source's items through the admin action, and refuses a configured one", async () => {
    const admin = (id: string): Promise<Response> =>
      fetch(`${service.address}/admin/sources/${id}/purge`, {
        method: "POST",
        headers: { Authorization: "Bearer t0ken-for-tests" },
      });
    expect((await admin("wire")).status).toBe(409);
    expect(await titles(service, "all")).toHaveLength(2);
    // Removed from the config: its items stay in the feeds until purged.
    await writeFile(path.join(dir, "sources.yaml"), "sources: []\n");
    expect(await service.reloader.reload("test")).toMatchObject({ ok: true });
    expect(await titles(service, "all")).toHaveLength(2);
    const purged = await admin("wire");
    expect(purged.status).toBe(200);
    expect(await purged.json()).toEqual({ source: "wire", removed: 2 });
    expect(await titles(service, "all")).toEqual([]);
    expect(await service.runtime.store.getSourceState("wire")).toBeUndefined();
  });

  it("reclassifies stored items when the rules change, without refetching", async () => {
    expect(await titles(service, "technology")).toEqual(["Quantum sensing startup opens lab in Rabat"]);
    const outcome = await service.reloader.reload("test");
    expect(outcome.ok).toBe(true);
    await writeFile(path.join(dir, "categories.yaml"), CATEGORIES("      - keywords: [choir]"));
    const applied = await service.reloader.reload("test");
    expect(applied).toMatchObject({ ok: true, reclassified: 1 });
    expect(await titles(service, "technology")).toEqual([
      "Quantum sensing startup opens lab in Rabat",
      "Local choir wins regional contest",
    ]);
    // Ops see what the edit moved: one item into technology, none out of anything.
    const report = await json<StatusReport>(`${service.address}/status.json`);
    expect(report.config.reclassified).toMatchObject({
      reason: "test",
      changed: 1,
      moves: [{ slug: "technology", entered: 1, left: 0 }],
    });
    const html = await (await fetch(`${service.address}/status`)).text();
    expect(html).toContain("<tr><td>technology</td><td>1</td><td>0</td></tr>");
    // Undoing the edit moves it back out.
    await writeFile(path.join(dir, "categories.yaml"), CATEGORIES(""));
    expect(await service.reloader.reload("undo")).toMatchObject({ ok: true, reclassified: 1 });
    const undone = await json<StatusReport>(`${service.address}/status.json`);
    expect(undone.config.reclassified).toMatchObject({
      reason: "undo",
      moves: [{ slug: "technology", entered: 0, left: 1 }],
    });
  });

  it("rejects a broken edit as a whole, keeps serving the last good config and shows the error on /status", async () => {
    const before = await fetch(`${service.address}/feeds/technology.rss`);
    const etag = before.headers.get("etag");
    await writeFile(
      path.join(dir, "categories.yaml"),
      `${CATEGORIES("")}  - slug: technology\n    title: Dup\n    description: x\n    match: []\n`,
    );
    const outcome = await service.reloader.reload("test");
    expect(outcome.ok).toBe(false);
    const report = await json<StatusReport>(`${service.address}/status.json`);
    expect(report.config.rejected?.problems.join("\n")).toMatch(
      /categories\.yaml:\d+:\d+ categories\[2\]\.slug: duplicate category slug "technology"/,
    );
    const html = await (await fetch(`${service.address}/status`)).text();
    expect(html).toContain("Rejected config edit");
    // Which tz release reads wall-clock times (the runtime's Intl copy is too old for Morocco 2026).
    expect(report.timeZoneData.version).toBe(TZ_DATA_VERSION);
    expect(html).toContain(`IANA tz ${TZ_DATA_VERSION}`);
    const metrics = await (await fetch(`${service.address}/metrics`)).text();
    expect(metrics).toMatch(/^feeds_config_reloads_total\{outcome="rejected"\} 1$/m);
    expect(metrics).toMatch(/^feeds_config_last_reload_success 0$/m);
    const after = await fetch(`${service.address}/feeds/technology.rss`);
    expect(after.headers.get("etag")).toBe(etag);
    expect((await fetch(`${service.address}/feeds/technology.json`)).status).toBe(200);

    await writeFile(path.join(dir, "categories.yaml"), CATEGORIES(""));
    expect((await service.reloader.reload("test")).ok).toBe(true);
    expect((await json<StatusReport>(`${service.address}/status.json`)).config.rejected).toBeUndefined();
  });

  it("accepts a websub edit but says on /status that it waits for a restart (regression: silently ignored)", async () => {
    await writeFile(
      path.join(dir, "sources.yaml"),
      `websub: { external_hubs: ["https://hub.example.org/"] }\n${SOURCES()}`,
    );
    const outcome = await service.reloader.reload("test");
    expect(outcome.ok).toBe(true);
    const report = await json<StatusReport>(`${service.address}/status.json`);
    expect(report.config.warnings.join("\n")).toMatch(
      /sources\.yaml websub: warning: websub settings take effect after a restart/,
    );
    // Feeds keep advertising the hubs the running hub pings.
    const feed = await json<{ hubs: Array<{ url: string }> }>(`${service.address}/feeds/world.json`);
    expect(feed.hubs.map((hub) => hub.url)).not.toContain("https://hub.example.org/");
    await writeFile(path.join(dir, "sources.yaml"), SOURCES());
    expect((await service.reloader.reload("test")).ok).toBe(true);
    expect((await json<StatusReport>(`${service.address}/status.json`)).config.warnings).toEqual([]);
  });

  it("picks up an edit on disk by itself (watch + debounce)", async () => {
    await writeFile(path.join(dir, "categories.yaml"), CATEGORIES("      - keywords: [choir]"));
    await until(async () => (await titles(service, "technology")).length === 2);
  });

  it("picks up a Kubernetes ConfigMap update, the ..data symlink swap (regression: only SIGHUP did)", async () => {
    // The layout kubelet writes: timestamped directory, ..data -> it, each file -> ..data/file.
    const version = async (name: string, categories: string): Promise<void> => {
      await mkdir(path.join(dir, name));
      await writeFile(path.join(dir, name, "sources.yaml"), SOURCES());
      await writeFile(path.join(dir, name, "categories.yaml"), categories);
    };
    const before = await okReloads(service);
    await version("..2026_12_02_10_00_00.1", CATEGORIES(""));
    await symlink("..2026_12_02_10_00_00.1", path.join(dir, "..data"));
    for (const file of ["sources.yaml", "categories.yaml"]) {
      await rm(path.join(dir, file));
      await symlink(path.join("..data", file), path.join(dir, file));
    }
    // The layout's own events reload once; only then swap, so only the swap's events can notice it.
    await until(async () => (await okReloads(service)) > before);
    await service.reloader.idle();
    // The update: a new directory, ..data_tmp pointing at it, renamed over ..data.
    await version("..2026_12_02_10_05_00.2", CATEGORIES("      - keywords: [choir]"));
    await symlink("..2026_12_02_10_05_00.2", path.join(dir, "..data_tmp"));
    await rename(path.join(dir, "..data_tmp"), path.join(dir, "..data"));
    await until(async () => (await titles(service, "technology")).length === 2);
  });

  it("picks up an edit of a symlinked config file's target outside CONFIG_DIR (regression: only SIGHUP did)", async () => {
    const elsewhere = await mkdtemp(path.join(tmpdir(), "live-config-target-"));
    try {
      await writeFile(path.join(elsewhere, "categories.yaml"), CATEGORIES(""));
      const before = await okReloads(service);
      await rm(path.join(dir, "categories.yaml"));
      await symlink(path.join(elsewhere, "categories.yaml"), path.join(dir, "categories.yaml"));
      // The link's own events reload once (and re-resolve the link); only then edit the target, so
      // nothing but a watch on the target's directory can notice the edit.
      await until(async () => (await okReloads(service)) > before);
      await service.reloader.idle();
      await writeFile(path.join(elsewhere, "categories.yaml"), CATEGORIES("      - keywords: [choir]"));
      await until(async () => (await titles(service, "technology")).length === 2);
    } finally {
      await rm(elsewhere, { recursive: true, force: true });
    }
  });

  it("starts collecting a new source and stops a removed one", async () => {
    await writeFile(
      path.join(dir, "more.xml"),
      FEED.replaceAll("wire.example.org/a", "more.example.org/a")
        .replace("Local choir wins regional contest", "Drought hits wheat harvest")
        .replaceAll("wire.example.org/b", "more.example.org/b"),
    );
    await writeFile(
      path.join(dir, "sources.yaml"),
      SOURCES(
        "  - id: more\n    kind: feed\n    url: more.xml\n    every: 1h\n    retention: { max_items: 100, max_age: 3650d }\n",
      ),
    );
    expect((await service.reloader.reload("test")).ok).toBe(true);
    await until(async () => (await titles(service, "all")).includes("Drought hits wheat harvest"));
    expect(service.runtime.worker.schedules().map((s) => s.sourceId)).toEqual(["wire", "more"]);

    await writeFile(path.join(dir, "sources.yaml"), SOURCES());
    expect((await service.reloader.reload("test")).ok).toBe(true);
    expect(service.runtime.worker.schedules().map((s) => s.sourceId)).toEqual(["wire"]);
    // Its items stay until retention removes them.
    expect(await titles(service, "all")).toContain("Drought hits wheat harvest");
  });

  it("takes admin actions only with the bearer token", async () => {
    const post = (pathname: string, token?: string) =>
      fetch(`${service.address}${pathname}`, {
        method: "POST",
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
    expect((await post("/admin/reload")).status).toBe(401);
    expect((await post("/admin/reload", "wrong")).status).toBe(401);
    const reload = await post("/admin/reload", "t0ken-for-tests");
    expect(reload.status).toBe(200);
    expect(((await reload.json()) as { ok: boolean }).ok).toBe(true);
    expect((await post("/admin/sources/wire/refresh", "t0ken-for-tests")).status).toBe(202);
    expect((await post("/admin/sources/nope/refresh", "t0ken-for-tests")).status).toBe(404);
  });

  it("writes the static snapshot of every category feed", async () => {
    await service.snapshots.idle();
    const rss = await readFile(path.join(dir, "feeds", "technology.rss"), "utf8");
    expect(rss).toContain("Quantum sensing startup opens lab in Rabat");
  });

  it("puts the stylesheet the feeds name beside them (bug: a static host served feeds whose /feed.xsl was missing)", async () => {
    await service.snapshots.idle();
    const rss = await readFile(path.join(dir, "feeds", "technology.rss"), "utf8");
    expect(rss).toContain('<?xml-stylesheet type="text/xsl" href="/feed.xsl"?>');
    expect(await readdir(path.join(dir, "feeds"))).toContain("feed.xsl");
    expect(await readFile(path.join(dir, "feeds", "feed.xsl"), "utf8")).toBe(FEED_STYLESHEET);
  });
});

describe("graceful shutdown", () => {
  it("stops scheduling, closes the server and the store, and resolves", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "shutdown-"));
    await writeFile(path.join(dir, "wire.xml"), FEED);
    await writeFile(path.join(dir, "sources.yaml"), SOURCES());
    await writeFile(path.join(dir, "categories.yaml"), CATEGORIES(""));
    const loaded = await loadConfig(dir, TEST_PRODUCT);
    if (!loaded.ok) throw new Error("fixture config invalid");
    const service = await startService(
      {
        port: 0,
        host: "127.0.0.1",
        baseUrl: "http://feeds.test",
        configDir: dir,
        database: { kind: "sqlite", path: path.join(dir, "db.sqlite") },
        feedsDir: path.join(dir, "feeds"),
        logLevel: "silent",
        webConcurrency: 1,
      },
      { config: loaded.config, loadedAt: Date.now(), warnings: [] },
      { clock: Date.now, logger, runWorker: true, watchConfig: false },
    );
    await service.stop();
    expect(service.server?.listening).toBe(false);
    expect(service.runtime.worker.schedules().every((s) => !s.running && s.nextRunAt === undefined)).toBe(true);
    await expect(service.runtime.store.revision()).rejects.toThrow(/store/);
    await rm(dir, { recursive: true, force: true });
  });
});
