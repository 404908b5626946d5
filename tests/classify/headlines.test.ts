import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { compileClassifier } from "../../src/classify/classifier.js";
import type { Classifier } from "../../src/classify/classifier.js";
import { loadConfig } from "../../src/config/config.js";
import type { CollectedItem } from "../../src/model/index.js";
import { TEST_PRODUCT } from "../fixtures/product.js";

interface Labelled {
  readonly title: string;
  readonly summary?: string;
  readonly categories: readonly string[];
}

const CONFIG_DIR = path.resolve(import.meta.dirname, "../../config");
const HEADLINES = path.resolve(import.meta.dirname, "headlines.json");
const MIN_PRECISION = 0.9;
const MIN_RECALL = 0.85;

function item(headline: Labelled, index: number): CollectedItem {
  return {
    id: `headline-${index}`,
    sourceId: "headlines",
    kind: "article",
    title: headline.title,
    ...(headline.summary === undefined ? {} : { summary: headline.summary }),
    authors: [],
    tags: [],
    enclosures: [],
  };
}

async function setup(): Promise<{ classify: Classifier; slugs: string[]; headlines: Labelled[] }> {
  const result = await loadConfig(CONFIG_DIR, TEST_PRODUCT);
  if (!result.ok) throw new Error(`shipped config is invalid: ${JSON.stringify(result.problems)}`);
  const { headlines } = JSON.parse(await readFile(HEADLINES, "utf8")) as { headlines: Labelled[] };
  return {
    classify: compileClassifier(result.config.categories),
    slugs: result.config.categories.map((c) => c.slug),
    headlines,
  };
}

describe("shipped categories on realistic headlines", () => {
  it("has a labelled set large and varied enough to mean something", async () => {
    const { headlines, slugs } = await setup();
    expect(headlines.length).toBeGreaterThanOrEqual(90);
    for (const slug of slugs)
      expect(headlines.filter((h) => h.categories.includes(slug)).length).toBeGreaterThanOrEqual(20);
    expect(headlines.filter((h) => h.categories.length === 0).length).toBeGreaterThanOrEqual(20);
    for (const h of headlines) for (const slug of h.categories) expect(slugs).toContain(slug);
  });

  it(`reaches precision ≥ ${MIN_PRECISION} and recall ≥ ${MIN_RECALL} for every category`, async () => {
    const { classify, slugs, headlines } = await setup();
    const predicted = headlines.map((h, i) => classify(item(h, i), []));
    const report: string[] = [];
    const scores = slugs.map((slug) => {
      let truePositives = 0;
      let falsePositives = 0;
      let falseNegatives = 0;
      headlines.forEach((headline, i) => {
        const expected = headline.categories.includes(slug);
        const got = predicted[i]?.includes(slug) ?? false;
        if (expected && got) truePositives++;
        if (!expected && got) {
          falsePositives++;
          report.push(`  + ${slug}: ${headline.title}`);
        }
        if (expected && !got) {
          falseNegatives++;
          report.push(`  - ${slug}: ${headline.title}`);
        }
      });
      const precision = truePositives / Math.max(1, truePositives + falsePositives);
      const recall = truePositives / Math.max(1, truePositives + falseNegatives);
      return { slug, precision, recall };
    });
    const summary = scores
      .map((s) => `${s.slug}: precision ${s.precision.toFixed(3)}, recall ${s.recall.toFixed(3)}`)
      .join("\n");
    const failing = scores.filter((s) => s.precision < MIN_PRECISION || s.recall < MIN_RECALL);
    expect(failing, `${summary}\nmisclassified (+ wrongly given, - missed):\n${report.join("\n")}`).toEqual([]);
  });
});
