/**
 * package.json is the one place the product's name and version are written: the composition root
 * reads it, and the User-Agent upstream servers see and the `<generator>` readers see both carry it.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { readProduct } from "../../src/app/product.js";
import { createRuntime } from "../../src/app/runtime.js";
import { loadConfig } from "../../src/config/config.js";
import { readSettings } from "../../src/config/settings.js";

const CONFIG_DIR = path.resolve(import.meta.dirname, "../../config");

async function packageJson(): Promise<{ name: string; version: string }> {
  return JSON.parse(await readFile(new URL("../../package.json", import.meta.url), "utf8")) as {
    name: string;
    version: string;
  };
}

describe("the product token", () => {
  it("is package.json's name and version", async () => {
    const { name, version } = await packageJson();
    expect(await readProduct()).toEqual({ name, version });
  });

  it("names the default User-Agent and the generator of a rendered feed", async () => {
    const { name, version } = await packageJson();
    const loaded = await loadConfig(CONFIG_DIR, await readProduct());
    if (!loaded.ok) throw new Error("the shipped config does not load");
    expect(loaded.config.fetch.userAgent).toBe(`${name}/${version} (+https://github.com/news-feed-publisher)`);

    const settings = readSettings({ DATABASE_URL: "sqlite::memory:", BASE_URL: "https://feeds.example.org" });
    const state = { config: loaded.config, loadedAt: 0, warnings: [] };
    const runtime = await createRuntime(settings, state, () => 0, pino({ level: "silent" }));
    try {
      const query = { categories: ["world"], limit: 50, page: 1 };
      const rss = await runtime.feeds.render({ slug: "world", format: "rss", query });
      expect(rss.identity.toString("utf8")).toContain(`<generator>${name}/${version}</generator>`);
      const atom = await runtime.feeds.render({ slug: "world", format: "atom", query });
      expect(atom.identity.toString("utf8")).toContain(`<generator>${name}/${version}</generator>`);
    } finally {
      await runtime.close();
    }
  });

  it("refuses a package.json without a token-like name and version, naming the file", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "product-"));
    try {
      const file = path.join(dir, "package.json");
      await writeFile(file, JSON.stringify({ name: "news feed", version: "1.0.0" }));
      await expect(readProduct(new URL(`file://${file}`))).rejects.toThrow(`config: ${file} must have`);
      await writeFile(file, JSON.stringify({ name: "news-feed-publisher" }));
      await expect(readProduct(new URL(`file://${file}`))).rejects.toThrow(/"version"/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
