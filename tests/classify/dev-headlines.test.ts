import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { compileClassifier } from "../../src/classify/classifier.js";
import { loadConfig } from "../../src/config/config.js";
import { measure } from "./measure.js";
import type { Labelled, View } from "./measure.js";
import { TEST_PRODUCT } from "../fixtures/product.js";

/**
 * The development set: real headlines from stored copies of public news pages, each with its
 * source URL, labelled by GUIDELINES.md before the rules ran on them. Goals from issue 10.
 */
const GOALS: Record<View, { precision: number; recall: number }> = {
  title: { precision: 0.93, recall: 0.9 },
  "title+summary": { precision: 0.93, recall: 0.92 },
};

async function setup() {
  const result = await loadConfig(path.resolve(import.meta.dirname, "../../config"), TEST_PRODUCT);
  if (!result.ok) throw new Error(`shipped config is invalid: ${JSON.stringify(result.problems)}`);
  const { headlines } = JSON.parse(await readFile(path.resolve(import.meta.dirname, "dev-headlines.json"), "utf8")) as {
    headlines: Labelled[];
  };
  return {
    classify: compileClassifier(result.config.categories),
    slugs: result.config.categories.map((c) => c.slug),
    headlines,
  };
}

describe("shipped categories on the real development set", () => {
  it("is real: every headline names the http(s) page it was read from, labels are known slugs", async () => {
    const { headlines, slugs } = await setup();
    expect(headlines.length).toBeGreaterThanOrEqual(300);
    for (const h of headlines) {
      expect(h.url, h.title).toMatch(/^https?:\/\//);
      for (const slug of h.categories) expect(slugs).toContain(slug);
    }
    expect(new Set(headlines.map((h) => h.title)).size).toBe(headlines.length);
  });

  for (const view of ["title", "title+summary"] as const) {
    it(`${view}: precision ≥ ${GOALS[view].precision} and recall ≥ ${GOALS[view].recall}`, async () => {
      const { classify, slugs, headlines } = await setup();
      const set = view === "title" ? headlines : headlines.filter((h) => h.summary !== undefined);
      const score = measure(classify, slugs, set, view);
      const summary = `${view} on ${set.length} headlines: precision ${score.precision.toFixed(3)}, recall ${score.recall.toFixed(3)}`;
      console.log(summary);
      const message = `${summary}\nmisclassified (+ wrongly given, - missed):\n${score.errors.join("\n")}`;
      expect(score.precision, message).toBeGreaterThanOrEqual(GOALS[view].precision);
      expect(score.recall, message).toBeGreaterThanOrEqual(GOALS[view].recall);
    });
  }
});
