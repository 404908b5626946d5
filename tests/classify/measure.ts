/**
 * Precision and recall of the shipped rules on a labelled headline set, micro-averaged over
 * every (headline, category) pair — how the issue states its goals — with the misclassified
 * headlines listed so a failing gate says what to fix.
 */
import type { Classifier } from "../../src/classify/classifier.js";
import type { CollectedItem } from "../../src/model/index.js";

export interface Labelled {
  readonly title: string;
  readonly summary?: string;
  readonly categories: readonly string[];
  readonly url?: string;
}

export interface Score {
  readonly precision: number;
  readonly recall: number;
  readonly errors: readonly string[];
}

export type View = "title" | "title+summary";

export function measure(
  classify: Classifier,
  slugs: readonly string[],
  headlines: readonly Labelled[],
  view: View,
): Score {
  let truePositives = 0;
  let falsePositives = 0;
  let falseNegatives = 0;
  const errors: string[] = [];
  headlines.forEach((headline, index) => {
    const got = classify(item(headline, index, view), []);
    for (const slug of slugs) {
      const expected = headline.categories.includes(slug);
      const given = got.includes(slug);
      if (expected && given) truePositives++;
      if (!expected && given) {
        falsePositives++;
        errors.push(`  + ${slug}: ${headline.title}`);
      }
      if (expected && !given) {
        falseNegatives++;
        errors.push(`  - ${slug}: ${headline.title}`);
      }
    }
  });
  return {
    precision: truePositives / Math.max(1, truePositives + falsePositives),
    recall: truePositives / Math.max(1, truePositives + falseNegatives),
    errors,
  };
}

function item(headline: Labelled, index: number, view: View): CollectedItem {
  return {
    id: `headline-${index}`,
    sourceId: "headlines",
    kind: "article",
    title: headline.title,
    ...(view === "title+summary" && headline.summary !== undefined ? { summary: headline.summary } : {}),
    authors: [],
    tags: [],
    enclosures: [],
  };
}
