/**
 * Why an item got (or did not get) each category: per category, every rule with the words that
 * met each of its fields, and the exclude words that vetoed it. It reads the very rules the
 * classifier compiles (compiled-rules.ts) and applies the same tests (classifier.ts), so an
 * explanation cannot disagree with a classification; it is slower, which is fine for one headline.
 */
import type { Category, CategoryRule, ClassifiableItem, PlaceRegion } from "../model/index.js";
import { regionsFound, ruleMatches, vetoed } from "./classifier.js";
import type { ScannedItem } from "./classifier.js";
import { compileRules } from "./compiled-rules.js";
import type { CompiledRule } from "./compiled-rules.js";
import type { PhraseId, PhraseIndex } from "./phrase-index.js";
import { foldTag } from "./text.js";

export interface RuleExplanation {
  /** 0-based position in the category's `match` list. */
  readonly position: number;
  readonly rule: CategoryRule;
  readonly matched: boolean;
  /** The words that met each field present (`without`: the words that blocked the rule). */
  readonly keywords: readonly string[];
  readonly places: readonly { readonly name: string; readonly region: PlaceRegion }[];
  readonly with: readonly string[];
  readonly without: readonly string[];
  readonly tags: readonly string[];
  readonly source: boolean;
}

export interface CategoryExplanation {
  readonly slug: string;
  readonly assigned: boolean;
  /** The item's source assigns the category itself (sources.yaml), whatever the rules say. */
  readonly bySource: boolean;
  readonly rules: readonly RuleExplanation[];
  /** Exclude words found in the text (they veto unless `unlessWords` is non-empty). */
  readonly excludeWords: readonly string[];
  readonly unlessWords: readonly string[];
  readonly vetoed: boolean;
}

export type Explainer = (item: ClassifiableItem, sourceCategories: readonly string[]) => CategoryExplanation[];

export function compileExplainer(categories: readonly Category[]): Explainer {
  const rules = compileRules(categories);
  return (item, sourceCategories) => {
    const found = rules.index.scan([item.title, item.summary]);
    const tags = new Set(item.tags.map(foldTag));
    const scanned: ScannedItem = {
      sourceId: item.sourceId,
      tags,
      found,
      regions: regionsFound(found, rules.placeRegions),
    };
    const words = (ids: readonly PhraseId[] | undefined): string[] => foundWords(ids, found, rules.index);
    return rules.categories.map((category) => {
      const explained = category.rules.map((rule, position) =>
        explainRule(rule, position, scanned, words, placesFound(rule, found, rules.placeRegions, rules.index)),
      );
      const isVetoed = vetoed(category, found);
      const bySource = sourceCategories.includes(category.slug);
      return {
        slug: category.slug,
        assigned: bySource || (explained.some((rule) => rule.matched) && !isVetoed),
        bySource,
        rules: explained,
        excludeWords: words(category.exclude),
        unlessWords: words(category.excludeUnless),
        vetoed: isVetoed,
      };
    });
  };
}

function explainRule(
  rule: CompiledRule,
  position: number,
  item: ScannedItem,
  words: (ids: readonly PhraseId[] | undefined) => string[],
  places: { name: string; region: PlaceRegion }[],
): RuleExplanation {
  return {
    position,
    rule: rule.source,
    matched: ruleMatches(rule, item),
    keywords: words(rule.keywords),
    places,
    with: words(rule.with),
    without: words(rule.without),
    tags: rule.tags === undefined ? [] : [...item.tags].filter((tag) => rule.tags?.has(tag) === true),
    source: rule.sources?.has(item.sourceId) ?? false,
  };
}

function foundWords(ids: readonly PhraseId[] | undefined, found: ReadonlySet<PhraseId>, index: PhraseIndex): string[] {
  return (ids ?? []).filter((id) => found.has(id)).map((id) => index.phrase(id));
}

function placesFound(
  rule: CompiledRule,
  found: ReadonlySet<PhraseId>,
  placeRegions: ReadonlyMap<PhraseId, PlaceRegion>,
  index: PhraseIndex,
): { name: string; region: PlaceRegion }[] {
  if (rule.places === undefined) return [];
  const places: { name: string; region: PlaceRegion }[] = [];
  for (const id of found) {
    const region = placeRegions.get(id);
    if (region !== undefined && rule.places.has(region)) places.push({ name: index.phrase(id), region });
  }
  return places;
}
