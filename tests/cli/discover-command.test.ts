/**
 * `discover URL`: what detection finds on one page, printed for ops, against pages served from
 * 127.0.0.1 (never the internet).
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { DISCOVER_USAGE, discoverCommand } from "../../src/cli/discover-command.js";
import { serveFixtures } from "../sources/html-fixture-server.js";
import type { FixtureServer } from "../sources/html-fixture-server.js";

describe("discover", () => {
  let server: FixtureServer;
  let configDir: string;
  beforeAll(async () => {
    server = await serveFixtures({
      "/": { fixture: "ticker-list.html" },
      "/bare": { fixture: "ticker-bare-lines.html" },
      "/nothing": { status: 200, body: "<html><body><p>Fajr 05:48</p><a href='/about'>About</a></body></html>" },
      "/deep": { status: 200, body: `<html><body>${"<div>".repeat(60_000)}x${"</div>".repeat(60_000)}</body></html>` },
    });
    // An empty but valid config, so the command does not depend on the shipped one.
    configDir = await mkdtemp(path.join(tmpdir(), "discover-"));
    await writeFile(path.join(configDir, "sources.yaml"), "sources: []\n");
    await writeFile(path.join(configDir, "categories.yaml"), "categories: []\n");
  });
  afterAll(async () => {
    await server.close();
    await rm(configDir, { recursive: true, force: true });
  });
  afterEach(() => vi.restoreAllMocks());

  const run = async (
    args: string[],
    now = "2026-12-02T00:50:00Z",
  ): Promise<{ code: number; out: string; err: string }> => {
    const out: string[] = [];
    const err: string[] = [];
    vi.spyOn(console, "log").mockImplementation((...parts: unknown[]) => void out.push(parts.join(" ")));
    vi.spyOn(console, "error").mockImplementation((...parts: unknown[]) => void err.push(parts.join(" ")));
    const code = await discoverCommand({ CONFIG_DIR: configDir }, args, () => Date.parse(now));
    return { code, out: out.join("\n"), err: err.join("\n") };
  };

  it("prints the ticker lines with their instants and zone, the article links, and select: blocks to pin them", async () => {
    const { code, out } = await run([`${server.origin}/`, "--timezone", "Africa/Casablanca"]);
    expect(code).toBe(0);
    expect(out).toMatch(
      /Ticker: 4 lines in the block headed "LATEST NEWS" \(1 other block\(s\) of timed lines passed over\)/,
    );
    expect(out).toMatch(/Times read in Africa\/Casablanca \(IANA tz 20\d\d[a-z]\)\./);
    expect(out).toContain("00:40  2026-12-02T00:40:00.000Z  Late-night vote approves the water plan");
    expect(out).toContain("23:50  2026-12-01T23:50:00.000Z  Casablanca airport opens its new terminal");
    expect(out).toContain('To pin it: select: {"item":"div.news-ticker li","time":".t","link":"a"}');
    expect(out).toMatch(/Article links: \d+ found/);
    expect(out).toContain(`${server.origin}/articles/late_night_vote/GMWGWQXSMFXM`);
    expect(out).not.toContain(`${server.origin}/categorie/economy/LWRPWFGPQ\n`);
  });

  it("says when it assumed UTC, and when bare lines cannot be pinned", async () => {
    const { code, out } = await run([`${server.origin}/bare`]);
    expect(code).toBe(0);
    expect(out).toMatch(/Times read in UTC .*; assumed: pass --timezone/);
    expect(out).toMatch(/No select: pins it: the lines are bare text in one element/);
  });

  it("says what it found nothing of, and why, with exit status 1", async () => {
    const { code, out } = await run([`${server.origin}/nothing`]);
    expect(code).toBe(1);
    expect(out).toMatch(/Ticker: none found: no line of text starts with a time \(HH:MM\) followed by a headline/);
    expect(out).toMatch(/Article links: none found: no article-like link among 1 link\(s\) on the page/);
  });

  it("reads a page saved to a file, resolving its links against --base", async () => {
    const file = path.resolve(import.meta.dirname, "../fixtures/html/walaw-like-home.html");
    const without = await run([file]);
    expect(without.out).toMatch(/Article links: none found/);
    const { code, out } = await run([file, "--base", "https://en.walaw.example/"]);
    expect(code).toBe(0);
    expect(out).toMatch(/Page: https:\/\/en\.walaw\.example\//);
    expect(out).toContain("https://en.walaw.example/articles/bank_al_maghrib_keeps_key_rate_unchanged/GMXZQWRTPLKS");
    expect((await run([file, "--base", "not a url"])).err).toMatch(/--base needs an absolute URL/);
  });

  it("refuses a page nested 60,000 deep as a source would, with the reason and exit status 1", async () => {
    const { code, out } = await run([`${server.origin}/deep`]);
    expect(code).toBe(1);
    expect(out).toContain(
      "Ticker: none found: the page is refused before parsing, as a source would refuse it: elements nested more than 512 deep",
    );
    expect(out).toContain("Article links: none found: the page is refused before parsing");
  });

  it("prints JSON with --json", async () => {
    const { out } = await run([`${server.origin}/`, "--json", "--timezone=Africa/Casablanca"]);
    const report = JSON.parse(out) as {
      ticker: { lines: Array<{ published: string }>; timeZone: string };
      timeZoneData: string;
    };
    expect(report.ticker.timeZone).toBe("Africa/Casablanca");
    expect(report.ticker.lines[0]?.published).toBe("2026-12-02T00:40:00.000Z");
    expect(report.timeZoneData).toMatch(/^20\d\d[a-z]$/);
  });

  it("prints usage for --help (exit 0) and for bad usage (exit 2)", async () => {
    expect(await run(["--help"])).toMatchObject({ code: 0, out: DISCOVER_USAGE });
    const missing = await run([]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/discover: which page\? give its URL/);
    expect((await run([`${server.origin}/`, "--timezone", "Mars/Olympus"])).err).toMatch(
      /unknown time zone 'Mars\/Olympus'/,
    );
  });
});
