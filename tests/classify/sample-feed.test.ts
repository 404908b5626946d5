import { readFile } from "node:fs/promises";
import path from "node:path";
import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { compileClassifier } from "../../src/classify/classifier.js";
import { loadConfig } from "../../src/config/config.js";
import { TEST_PRODUCT } from "../fixtures/product.js";

const CONFIG_DIR = path.resolve(import.meta.dirname, "../../config");

interface RssItem {
  readonly title: string;
  readonly description?: string;
  readonly category?: unknown;
}

describe("the bundled sample feed, classified by the shipped rules", () => {
  it("covers every category and some items that match none", async () => {
    const result = await loadConfig(CONFIG_DIR, TEST_PRODUCT);
    if (!result.ok) throw new Error("shipped config invalid");
    const source = result.config.sources.find((s) => s.url.endsWith("/sample/news.xml"));
    expect(source?.categories).toEqual([]);

    const xml = await readFile(path.join(CONFIG_DIR, "sample/news.xml"), "utf8");
    const rss = new XMLParser({ ignoreAttributes: true }).parse(xml) as { rss: { channel: { item: RssItem[] } } };
    const items = rss.rss.channel.item;
    expect(items.length).toBeGreaterThanOrEqual(15);
    // No upstream categories: the rules, not tags, must place these items.
    expect(items.filter((i) => i.category !== undefined)).toEqual([]);

    const classify = compileClassifier(result.config.categories);
    const classified = Object.fromEntries(
      items.map((i) => [
        i.title,
        classify(
          {
            sourceId: source?.id ?? "",
            title: i.title,
            ...(i.description ? { summary: i.description } : {}),
            tags: [],
          },
          source?.categories ?? [],
        ),
      ]),
    );
    expect(classified).toEqual({
      "Bank Al-Maghrib keeps key rate at 2.25% as inflation eases": ["morocco-economy"],
      "Société Générale Maroc modernizes banking with IBM collaboration": ["morocco-economy", "technology"],
      "Downgraded talks on Russian war in Ukraine amid diplomatic deadlock": ["world"],
      "Atlas Lions beat Benin 2-0 in Fez friendly": [],
      "Morocco's tourism revenues climb 12% in first four months": ["morocco-economy"],
      "Microsoft opens AI skills centre in Casablanca": ["technology"],
      "UN Security Council renews MINURSO mandate for one year": ["world"],
      "Marrakech film festival unveils jury for its 22nd edition": [],
      "OCP Group posts record first-quarter revenue on fertilizer demand": ["morocco-economy"],
      "Morocco launches 5G network in eight cities": ["technology"],
      "Heavy rains cause flooding in Tetouan and Chefchaouen": [],
      "Algeria recalls ambassador to Paris over Sahara stance": ["world"],
      "Moroccan fintech startup raises $7 million to expand across Africa": ["morocco-economy", "technology"],
      "Parliament adopts new criminal procedure code": [],
      "Morocco, Mauritania set to bolster economic ties": ["world", "morocco-economy"],
      "Chefchaouen named among the world's most beautiful towns": [],
    });
  });
});
