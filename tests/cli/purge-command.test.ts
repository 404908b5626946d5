import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { purgeSourceCommand, type PurgeIo } from "../../src/cli/purge-command.js";
import { openStore } from "../../src/store/open-store.js";
import { makeItem } from "../store/store-contract.js";

const CATEGORIES =
  "categories:\n  - slug: world\n    title: World\n    description: d\n    match:\n      - keywords: [x]\n";
const SOURCES = "sources:\n  - id: kept\n    kind: feed\n    url: https://example.org/rss\n    every: 10m\n";

describe("purge-source command", () => {
  let dir: string;
  let out: string[];
  let err: string[];
  let env: Record<string, string>;
  const io = (answer?: string): PurgeIo => ({
    out: (text) => void out.push(text),
    err: (text) => void err.push(text),
    ...(answer === undefined ? {} : { ask: async () => answer }),
  });
  const storedIds = async (): Promise<string[]> => {
    const store = await openStore(env.DATABASE_URL ?? "", { clock: Date.now });
    try {
      return (await store.queryFeed({ categories: [], limit: 50, page: 1 })).items.map((item) => item.id);
    } finally {
      await store.close();
    }
  };

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "purge-command-"));
    await writeFile(path.join(dir, "sources.yaml"), SOURCES);
    await writeFile(path.join(dir, "categories.yaml"), CATEGORIES);
    env = { CONFIG_DIR: dir, DATABASE_URL: `sqlite:${path.join(dir, "feeds.db")}` };
    out = [];
    err = [];
    const store = await openStore(env.DATABASE_URL ?? "", { clock: () => 1_000 });
    await store.commitRun({ sourceId: "gone", at: 1_000 }, [makeItem("g", { sourceId: "gone", published: 1 })], 1_000);
    await store.commitRun({ sourceId: "kept", at: 1_000 }, [makeItem("k", { sourceId: "kept", published: 2 })], 1_000);
    await store.close();
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it("deletes a removed source's items once the operator types its id", async () => {
    expect(await purgeSourceCommand(env, ["gone"], io("gone"))).toBe(0);
    expect(out).toEqual(['purge-source: removed 1 item(s) of "gone" (feeds changed: world)']);
    expect(await storedIds()).toEqual(["k"]);
  });

  it("deletes nothing when the answer is not the id", async () => {
    expect(await purgeSourceCommand(env, ["gone"], io("y"))).toBe(1);
    expect(err).toEqual(["purge-source: not confirmed; nothing was deleted"]);
    expect(await storedIds()).toEqual(["k", "g"]);
  });

  it("needs --yes without a terminal, and refuses a source still in the config", async () => {
    expect(await purgeSourceCommand(env, ["gone"], io())).toBe(1);
    expect(err[0]).toMatch(/pass --yes/);
    expect(await purgeSourceCommand(env, ["kept", "--yes"], io())).toBe(1);
    expect(err[1]).toMatch(/"kept" is still in .*sources\.yaml/);
    expect(await storedIds()).toEqual(["k", "g"]);
    expect(await purgeSourceCommand(env, ["gone", "--yes"], io())).toBe(0);
    expect(await storedIds()).toEqual(["k"]);
  });

  it("prints the usage without an id", async () => {
    expect(await purgeSourceCommand(env, [], io())).toBe(64);
    expect(err[0]).toMatch(/^usage: feed-publisher purge-source ID/);
  });
});
