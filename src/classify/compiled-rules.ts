/**
 * Category rules compiled once into phrase ids over one shared index (phrase-index.ts), so the
 * classifier (classifier.ts) and the explainer (explain.ts) read exactly the same rules.
 *
 * `places:` terms become the dataset's place names (places.ts), added to the same index as proper
 * names (capital initial), each id remembered with its region. The datasets are loaded only when
 * some rule uses `places:`, so rules without it never pay for them.
 */
import type { Category, CategoryRule, PlaceRegion } from "../model/index.js";
import { createPhraseIndex } from "./phrase-index.js";
import type { PhraseId, PhraseIndex } from "./phrase-index.js";
import { placeNames } from "./places.js";
import { foldTag } from "./text.js";

export interface CompiledRule {
  readonly source: CategoryRule;
  readonly sources?: ReadonlySet<string>;
  readonly tags?: ReadonlySet<string>;
  readonly keywords?: readonly PhraseId[];
  readonly places?: ReadonlySet<PlaceRegion>;
  readonly with?: readonly PhraseId[];
  readonly without?: readonly PhraseId[];
}

export interface CompiledCategory {
  readonly slug: string;
  readonly rules: readonly CompiledRule[];
  readonly exclude: readonly PhraseId[];
  readonly excludeUnless: readonly PhraseId[];
}

export interface CompiledRules {
  readonly index: PhraseIndex;
  readonly categories: readonly CompiledCategory[];
  /** Region of each place-name phrase id. */
  readonly placeRegions: ReadonlyMap<PhraseId, PlaceRegion>;
  readonly usesTags: boolean;
}

export function compileRules(categories: readonly Category[]): CompiledRules {
  const index = createPhraseIndex();
  const compiled = categories.map((category) => compileCategory(category, index));
  const usesPlaces = categories.some((category) => category.match.some((rule) => rule.places !== undefined));
  const placeRegions = usesPlaces ? indexPlaces(index) : new Map<PhraseId, PlaceRegion>();
  const usesTags = compiled.some((category) => category.rules.some((rule) => rule.tags !== undefined));
  return { index, categories: compiled, placeRegions, usesTags };
}

function indexPlaces(index: PhraseIndex): Map<PhraseId, PlaceRegion> {
  const regions = new Map<PhraseId, PlaceRegion>();
  for (const [name, region] of placeNames()) {
    const id = index.add(name, { initialCapital: true });
    // Two spellings that fold alike share an id; Morocco wins, as in places.ts.
    if (id !== undefined && regions.get(id) !== "morocco") regions.set(id, region);
  }
  return regions;
}

function compileCategory(category: Category, index: PhraseIndex): CompiledCategory {
  return {
    slug: category.slug,
    rules: category.match.map((rule) => compileRule(rule, index)),
    exclude: phraseIds(category.exclude, index),
    excludeUnless: phraseIds(category.excludeUnless ?? [], index),
  };
}

function compileRule(rule: CategoryRule, index: PhraseIndex): CompiledRule {
  return {
    source: rule,
    ...(rule.sources === undefined ? {} : { sources: new Set(rule.sources) }),
    ...(rule.tags === undefined ? {} : { tags: new Set(rule.tags.map(foldTag)) }),
    ...(rule.keywords === undefined ? {} : { keywords: phraseIds(rule.keywords, index) }),
    ...(rule.places === undefined ? {} : { places: new Set(rule.places) }),
    ...(rule.with === undefined ? {} : { with: phraseIds(rule.with, index) }),
    ...(rule.without === undefined ? {} : { without: phraseIds(rule.without, index) }),
  };
}

function phraseIds(phrases: readonly string[], index: PhraseIndex): PhraseId[] {
  return phrases.flatMap((phrase) => {
    const id = index.add(phrase);
    return id === undefined ? [] : [id];
  });
}
