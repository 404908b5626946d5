/**
 * Issue 9 point 4: credentials in a source URL (user:password@, API-key query parameters) were
 * shown verbatim on the public /status and /status.json, in lastError and in warnings. They must
 * appear nowhere a client or a log reader can see them; host and path stay recognisable.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startService, type Service } from "../../src/app/service.js";
import { loadConfig } from "../../src/config/config.js";
import type { StatusReport } from "../../src/http/status.js";
import { TEST_PRODUCT } from "../fixtures/product.js";

const SECRETS = ["s3cret-pass", "K3Y-value", "T0K-value", "bob-pw", "AT-value"];

const CATEGORIES = `categories:
  - slug: world
    title: World
    description: International news
    match:
      - keywords: [United Nations]
`;

async function until(check: () => Promise<boolean>, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("credentials in source URLs", () => {
  let dir: string;
  let upstream: Server;
  let service: Service;
  const logLines: string[] = [];

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      if (req.url?.startsWith("/listing.html") === true) {
        res.writeHead(200, { "content-type": "text/html" });
        res.end('<html><body><div class="teaser"><h2><a href="/missing-story.html">Story</a></h2></div></body></html>');
      } else {
        res.writeHead(req.url?.startsWith("/feed.xml") === true ? 500 : 404);
        res.end();
      }
    });
    await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
    const { port } = upstream.address() as AddressInfo;
    dir = await mkdtemp(path.join(tmpdir(), "status-redaction-"));
    await writeFile(
      path.join(dir, "sources.yaml"),
      `sources:
  - id: private-feed
    kind: feed
    url: "http://alice:s3cret-pass@127.0.0.1:${port}/feed.xml?api_key=K3Y-value&Token=T0K-value&lang=en"
    every: 1h
  - id: private-listing
    kind: html-articles
    url: "http://bob:bob-pw@127.0.0.1:${port}/listing.html?access_token=AT-value"
    select: { link: ".teaser h2 a" }
    every: 1h
`,
    );
    await writeFile(path.join(dir, "categories.yaml"), CATEGORIES);
    const loaded = await loadConfig(dir, TEST_PRODUCT);
    if (!loaded.ok) throw new Error("fixture config invalid");
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString("utf8"));
        done();
      },
    });
    service = await startService(
      {
        port: 0,
        host: "127.0.0.1",
        baseUrl: "http://feeds.test",
        configDir: dir,
        database: { kind: "sqlite", path: ":memory:" },
        feedsDir: path.join(dir, "feeds"),
        logLevel: "debug",
        webConcurrency: 1,
      },
      { config: loaded.config, loadedAt: Date.now(), warnings: [] },
      { clock: Date.now, logger: pino({ level: "debug" }, sink), runWorker: true, watchConfig: false },
    );
    await until(async () => {
      const report = (await (await fetch(`${service.address}/status.json`)).json()) as StatusReport;
      return report.sources.every((source) => source.state !== "pending");
    });
  });

  afterAll(async () => {
    await service.stop();
    await new Promise<void>((resolve) => upstream.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  it("masks them on /status.json, keeping host and path", async () => {
    const text = await (await fetch(`${service.address}/status.json`)).text();
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    const report = JSON.parse(text) as StatusReport;
    const [feed, listing] = report.sources;
    expect(feed?.url).toMatch(/^http:\/\/\*\*\*@127\.0\.0\.1:\d+\/feed\.xml\?api_key=\*\*\*&Token=\*\*\*&lang=en$/);
    expect(feed?.lastError).toMatch(
      /^fetch: http:\/\/\*\*\*@127\.0\.0\.1:\d+\/feed\.xml\?api_key=\*\*\*&Token=\*\*\*&lang=en: HTTP 500/,
    );
    expect(listing?.warnings).toEqual([
      expect.stringMatching(/^html-articles: http:\/\/\*\*\*@127\.0\.0\.1:\d+\/missing-story\.html: .*HTTP 404/),
    ]);
  });

  it("masks them on /status", async () => {
    const html = await (await fetch(`${service.address}/status`)).text();
    expect(html).toContain("feed.xml?api_key=***");
    for (const secret of SECRETS) expect(html).not.toContain(secret);
  });

  it("extends /status.json with the schedule as written, each source's runs and stories per day", async () => {
    const report = (await (await fetch(`${service.address}/status.json`)).json()) as StatusReport;
    const [feed, listing] = report.sources;
    expect(feed?.schedule).toBe("every 3600s");
    expect(feed?.scheduleAsWritten).toBe("1h");
    expect(feed?.recentRuns).toEqual([{ finishedAt: feed?.lastRunAt, outcome: "failed", inserted: 0, updated: 0 }]);
    expect(listing?.recentRuns.map((run) => run.outcome)).toEqual(["ok"]);
    const perDay = report.categories[0]?.perDay ?? [];
    expect(perDay).toHaveLength(14);
    expect(perDay.at(-1)).toEqual({ day: report.generatedAt.slice(0, 10), count: 0 });
  });

  it("keeps them out of the log", () => {
    expect(logLines.join("")).toMatch(/source failed/);
    for (const secret of SECRETS) expect(logLines.join("")).not.toContain(secret);
  });
});
