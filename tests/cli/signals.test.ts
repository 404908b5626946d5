/**
 * The real `serve` process and its signals (docs/ARCHITECTURE.md commands; issue "Operations"): SIGHUP
 * reloads the config; SIGTERM stops scheduling, lets a running collect finish and store its
 * items, closes the server and the store, and exits 0.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileSrc, REPO, type CompiledSrc } from "../compiled-src.js";
import { runServe, type Running } from "./serve-process.js";

let compiled: CompiledSrc | undefined;
let mainScript: string;

beforeAll(async () => {
  compiled = await compileSrc("signals-", ["-p", join(REPO, "tsconfig.build.json"), "--sourceMap", "false"]);
  mainScript = join(compiled.out, "main.js");
}, 120_000);

afterAll(() => compiled?.remove());

const RSS = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Slow wire</title><link>https://slow.example.org/</link><description>d</description>
<item><title>Rabat hosts a summit of African finance ministers</title><link>https://slow.example.org/1</link><guid>https://slow.example.org/1</guid><pubDate>Mon, 30 Nov 2026 09:00:00 GMT</pubDate></item>
</channel></rss>`;

/** An upstream that answers only after `delayMs`, and says when it was asked. */
async function slowUpstream(delayMs: number): Promise<{ server: Server; url: string; asked: Promise<void> }> {
  let markAsked: () => void = () => undefined;
  const asked = new Promise<void>((resolve) => (markAsked = resolve));
  const server = createServer((_req, res) => {
    markAsked();
    setTimeout(() => res.writeHead(200, { "content-type": "application/rss+xml" }).end(RSS), delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/rss`, asked };
}

function serve(dir: string): Running {
  // vitest's own environment sets BASE_URL (Vite's "/"): the child gets a real one.
  return runServe(mainScript, {
    BASE_URL: "http://feeds.example.org",
    PORT: "0",
    HOST: "127.0.0.1",
    CONFIG_DIR: join(dir, "config"),
    DATABASE_URL: `sqlite:${join(dir, "feeds.db")}`,
    FEEDS_DIR: join(dir, "feeds"),
    LOG_LEVEL: "info",
    // One process: this test is about its signals; tests/cli/cluster.test.ts runs several.
    WEB_CONCURRENCY: "1",
  });
}

describe("serve process signals", () => {
  it("SIGHUP reloads the config; SIGTERM lets the running collect finish, stores its items and exits 0", async () => {
    const upstream = await slowUpstream(2_500);
    const dir = mkdtempSync(join(tmpdir(), "signals-run-"));
    mkdirSync(join(dir, "config"));
    writeFileSync(
      join(dir, "config", "sources.yaml"),
      `sources:\n  - { id: slow-wire, kind: feed, url: "${upstream.url}", every: 1h, categories: [world] }\n`,
    );
    writeFileSync(
      join(dir, "config", "categories.yaml"),
      "categories:\n  - { slug: world, title: World, description: World news, match: [] }\n",
    );
    const running = serve(dir);
    try {
      await running.logged(/serving feeds/);
      await upstream.asked; // the start-up pass is now waiting on the slow upstream
      running.child.kill("SIGHUP");
      expect((await running.logged(/config reloaded/)).reason).toBe("SIGHUP");
      running.child.kill("SIGTERM");
      expect(await running.exited).toBe(0);
      await running.logged(/^stopped$/);
      // The collect was still waiting on the upstream when the signal came, and was let finish.
      const requested = await running.logged(/shutdown requested/);
      const collected = await running.logged(/source collected/);
      expect(Number(requested.time)).toBeLessThan(Number(collected.time));
      const db = new Database(join(dir, "feeds.db"), { readonly: true });
      const stored = db.prepare("SELECT title FROM items WHERE source_id = 'slow-wire'").all();
      db.close();
      expect(stored).toEqual([{ title: "Rabat hosts a summit of African finance ministers" }]);
    } finally {
      running.child.kill("SIGKILL");
      upstream.server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
