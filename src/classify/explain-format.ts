/**
 * An explanation (explain.ts) as the text `classify --explain` prints: one block per category,
 * its verdict first, then each rule as written in categories.yaml with the words that met it, so
 * ops can see which word to add, move to `without:` or to `exclude:`.
 */
import type { CategoryRule } from "../model/index.js";
import type { CategoryExplanation, RuleExplanation } from "./explain.js";

export function formatExplanation(categories: readonly CategoryExplanation[]): string[] {
  return categories.flatMap((category) => [
    `${category.slug}: ${verdict(category)}`,
    ...category.rules.map(formatRule),
    ...vetoLines(category),
  ]);
}

function verdict(category: CategoryExplanation): string {
  if (category.bySource) return "yes (the source's own categories)";
  const matched = category.rules.filter((rule) => rule.matched).length;
  if (matched === 0) return "no (no rule matched)";
  if (category.vetoed) return `no (vetoed by exclude: ${category.excludeWords.join(", ")})`;
  return `yes (${matched} rule${matched === 1 ? "" : "s"} matched)`;
}

function formatRule(rule: RuleExplanation): string {
  const found = [
    rule.source ? "source" : "",
    rule.tags.length > 0 ? `tags ${rule.tags.join(", ")}` : "",
    rule.keywords.length > 0 ? `keywords ${rule.keywords.join(", ")}` : "",
    rule.places.length > 0 ? `places ${rule.places.map((place) => `${place.name} (${place.region})`).join(", ")}` : "",
    rule.with.length > 0 ? `with ${rule.with.join(", ")}` : "",
    rule.without.length > 0 ? `blocked by without ${rule.without.join(", ")}` : "",
  ].filter((part) => part !== "");
  const mark = rule.matched ? "+" : " ";
  return `  ${mark} rule ${rule.position + 1} ${describeRule(rule.rule)}${found.length > 0 ? `\n      found: ${found.join("; ")}` : ""}`;
}

function vetoLines(category: CategoryExplanation): string[] {
  if (category.excludeWords.length === 0) return [];
  if (category.vetoed) return [`  exclude vetoed: ${category.excludeWords.join(", ")}`];
  return [`  exclude ${category.excludeWords.join(", ")} lifted by exclude_unless: ${category.unlessWords.join(", ")}`];
}

/** The rule in short YAML-like form, long lists cut so one rule stays one line. */
function describeRule(rule: CategoryRule): string {
  const fields: [string, readonly string[] | undefined][] = [
    ["sources", rule.sources],
    ["tags", rule.tags],
    ["keywords", rule.keywords],
    ["places", rule.places],
    ["with", rule.with],
    ["without", rule.without],
  ];
  return `{ ${fields
    .filter((field): field is [string, readonly string[]] => field[1] !== undefined)
    .map(([name, values]) => `${name}: [${shortList(values)}]`)
    .join(", ")} }`;
}

function shortList(values: readonly string[]): string {
  const shown = values.slice(0, 6).join(", ");
  return values.length > 6 ? `${shown}, … ${values.length - 6} more` : shown;
}
