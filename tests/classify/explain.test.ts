import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { compileClassifier } from "../../src/classify/classifier.js";
import { compileExplainer } from "../../src/classify/explain.js";
import { loadConfig } from "../../src/config/config.js";
import type { Category, CollectedItem } from "../../src/model/index.js";
import { TEST_PRODUCT } from "../fixtures/product.js";

function item(title: string, summary?: string): CollectedItem {
  return {
    id: "x",
    sourceId: "s",
    kind: "article",
    title,
    ...(summary === undefined ? {} : { summary }),
    authors: [],
    tags: [],
    enclosures: [],
  };
}

describe("compileExplainer", () => {
  const categories: Category[] = [
    {
      slug: "tech",
      title: "t",
      description: "",
      match: [
        { keywords: ["Amazon", "cloud"], without: ["rainforest"] },
        { places: ["abroad"], with: ["chip"] },
      ],
      exclude: ["football"],
      excludeUnless: ["sponsorship"],
    },
  ];
  const explain = compileExplainer(categories);

  it("names the words that met each field, and the place's region", () => {
    const [tech] = explain(item("Amazon cloud chip plant opens in Taiwan"), []);
    expect(tech?.assigned).toBe(true);
    expect(tech?.rules[0]).toMatchObject({ matched: true, keywords: ["Amazon", "cloud"], without: [] });
    expect(tech?.rules[1]).toMatchObject({
      matched: true,
      places: [{ name: "Taiwan", region: "abroad" }],
      with: ["chip"],
    });
  });

  it("names the `without` words that blocked a rule and the exclude that vetoed", () => {
    const [blocked] = explain(item("Amazon rainforest burns"), []);
    expect(blocked?.rules[0]).toMatchObject({ matched: false, without: ["rainforest"] });
    const [vetoed] = explain(item("Amazon cloud for football clubs"), []);
    expect(vetoed).toMatchObject({ assigned: false, vetoed: true, excludeWords: ["football"] });
    const [lifted] = explain(item("Amazon cloud football sponsorship"), []);
    expect(lifted).toMatchObject({ assigned: true, vetoed: false, unlessWords: ["sponsorship"] });
  });

  it("agrees with the classifier on every labelled headline", async () => {
    const result = await loadConfig(path.resolve(import.meta.dirname, "../../config"), TEST_PRODUCT);
    if (!result.ok) throw new Error("shipped config invalid");
    const classify = compileClassifier(result.config.categories);
    const explainShipped = compileExplainer(result.config.categories);
    const { headlines } = JSON.parse(await readFile(path.resolve(import.meta.dirname, "headlines.json"), "utf8")) as {
      headlines: { title: string; summary?: string }[];
    };
    for (const headline of headlines) {
      const it = item(headline.title, headline.summary);
      const explained = explainShipped(it, [])
        .filter((c) => c.assigned)
        .map((c) => c.slug);
      expect(explained, headline.title).toEqual(classify(it, []));
    }
  });
});
