/**
 * Category rules (config/categories.yaml) compiled once into a function item → category slugs.
 *
 * Semantics, in the order they apply:
 * - A category's rules are ORed; the fields of one rule are ANDed: `sources` (the item's source
 *   id), `tags` (any upstream tag, whole tag), `keywords` (a whole word or phrase in the title or
 *   summary) and `with` (also one of these words or phrases).
 * - `exclude`: any of these words or phrases in the title or summary vetoes what the rules matched.
 * - A source's own `categories:` (sources.yaml) always apply and are NOT vetoed by `exclude`: ops
 *   chose them for every item of that source explicitly, and a keyword list should not overrule that.
 * - Matching is case- and accent-insensitive, on whole tokens (see text.ts), with the simple
 *   plural of phrase-index.ts. Because case is ignored, an acronym keyword also matches the same
 *   lowercase word ("U.S." matches "us"). The result lists slugs in category order, each once.
 */
import type { Category, CategoryRule, CollectedItem } from "../model/index.js";
import { createPhraseIndex } from "./phrase-index.js";
import type { PhraseId, PhraseIndex } from "./phrase-index.js";
import { foldTag } from "./text.js";

export type Classifier = (item: CollectedItem, sourceCategories: readonly string[]) => string[];

interface CompiledRule {
  readonly sources?: ReadonlySet<string>;
  readonly tags?: ReadonlySet<string>;
  readonly keywords?: readonly PhraseId[];
  readonly with?: readonly PhraseId[];
}

interface CompiledCategory {
  readonly slug: string;
  readonly rules: readonly CompiledRule[];
  readonly exclude: readonly PhraseId[];
}

export function compileClassifier(categories: readonly Category[]): Classifier {
  const index = createPhraseIndex();
  const compiled = categories.map((category) => compileCategory(category, index));
  const usesTags = compiled.some((category) => category.rules.some((rule) => rule.tags !== undefined));

  return (item, sourceCategories) => {
    const found = index.scan([item.title, item.summary]);
    const tags = usesTags ? new Set(item.tags.map(foldTag)) : new Set<string>();
    const slugs: string[] = [];
    for (const category of compiled) {
      if (sourceCategories.includes(category.slug)) {
        slugs.push(category.slug);
        continue;
      }
      const matched = category.rules.some((rule) => ruleMatches(rule, item.sourceId, tags, found));
      if (matched && !anyFound(category.exclude, found)) slugs.push(category.slug);
    }
    return slugs;
  };
}

function compileCategory(category: Category, index: PhraseIndex): CompiledCategory {
  return {
    slug: category.slug,
    rules: category.match.map((rule) => compileRule(rule, index)),
    exclude: phraseIds(category.exclude, index),
  };
}

function compileRule(rule: CategoryRule, index: PhraseIndex): CompiledRule {
  return {
    ...(rule.sources === undefined ? {} : { sources: new Set(rule.sources) }),
    ...(rule.tags === undefined ? {} : { tags: new Set(rule.tags.map(foldTag)) }),
    ...(rule.keywords === undefined ? {} : { keywords: phraseIds(rule.keywords, index) }),
    ...(rule.with === undefined ? {} : { with: phraseIds(rule.with, index) }),
  };
}

function phraseIds(phrases: readonly string[], index: PhraseIndex): PhraseId[] {
  return phrases.flatMap((phrase) => {
    const id = index.add(phrase);
    return id === undefined ? [] : [id];
  });
}

/**
 * Every field present must hold. A field whose phrases all tokenized to nothing (config rejects
 * those, but the model allows them) holds for no item, so such a rule never matches everything.
 */
function ruleMatches(rule: CompiledRule, sourceId: string, tags: ReadonlySet<string>, found: ReadonlySet<PhraseId>): boolean {
  if (rule.sources === undefined && rule.tags === undefined && rule.keywords === undefined) return false;
  if (rule.sources !== undefined && !rule.sources.has(sourceId)) return false;
  if (rule.tags !== undefined && !anyIn(rule.tags, tags)) return false;
  if (rule.keywords !== undefined && !anyFound(rule.keywords, found)) return false;
  if (rule.with !== undefined && !anyFound(rule.with, found)) return false;
  return true;
}

function anyFound(ids: readonly PhraseId[], found: ReadonlySet<PhraseId>): boolean {
  return ids.some((id) => found.has(id));
}

function anyIn(wanted: ReadonlySet<string>, have: ReadonlySet<string>): boolean {
  for (const tag of have) if (wanted.has(tag)) return true;
  return false;
}
