/**
 * Category rules (config/categories.yaml) compiled once into a function item → category slugs.
 *
 * Semantics, in the order they apply:
 * - A category's rules are ORed; the fields of one rule are ANDed: `sources` (the item's source
 *   id), `tags` (any upstream tag, whole tag), `keywords` (a whole word or phrase in the title or
 *   summary), `places` (a place abroad or in Morocco named there, see places.ts), `with` (also
 *   one of these words or phrases) and `without` (none of these words or phrases).
 * - `exclude`: any of these words or phrases in the title or summary vetoes what the rules
 *   matched — unless one of the category's `exclude_unless` words is there too.
 * - A source's own `categories:` (sources.yaml) always apply and are NOT vetoed by `exclude`: ops
 *   chose them for every item of that source explicitly, and a keyword list should not overrule that.
 * - Matching is case- and accent-insensitive, on whole tokens (see text.ts), with the simple
 *   plural of phrase-index.ts. Because case is ignored, an acronym keyword also matches the same
 *   lowercase word ("U.S." matches "us"). The result lists slugs in category order, each once.
 */
import type { Category, ClassifiableItem, PlaceRegion } from "../model/index.js";
import { compileRules } from "./compiled-rules.js";
import type { CompiledCategory, CompiledRule } from "./compiled-rules.js";
import type { PhraseId } from "./phrase-index.js";
import { foldTag } from "./text.js";

export type Classifier = (item: ClassifiableItem, sourceCategories: readonly string[]) => string[];

/** What one item's text and tags hold, read once for every category. */
export interface ScannedItem {
  readonly sourceId: string;
  readonly tags: ReadonlySet<string>;
  readonly found: ReadonlySet<PhraseId>;
  readonly regions: ReadonlySet<PlaceRegion>;
}

export function compileClassifier(categories: readonly Category[]): Classifier {
  const rules = compileRules(categories);
  return (item, sourceCategories) => {
    const found = rules.index.scan([item.title, item.summary]);
    const scanned: ScannedItem = {
      sourceId: item.sourceId,
      tags: rules.usesTags ? new Set(item.tags.map(foldTag)) : new Set<string>(),
      found,
      regions: regionsFound(found, rules.placeRegions),
    };
    const slugs: string[] = [];
    for (const category of rules.categories) {
      if (sourceCategories.includes(category.slug)) slugs.push(category.slug);
      else if (categoryMatches(category, scanned)) slugs.push(category.slug);
    }
    return slugs;
  };
}

export function regionsFound(
  found: ReadonlySet<PhraseId>,
  placeRegions: ReadonlyMap<PhraseId, PlaceRegion>,
): Set<PlaceRegion> {
  const regions = new Set<PlaceRegion>();
  if (placeRegions.size === 0) return regions;
  for (const id of found) {
    const region = placeRegions.get(id);
    if (region !== undefined) regions.add(region);
  }
  return regions;
}

function categoryMatches(category: CompiledCategory, item: ScannedItem): boolean {
  return category.rules.some((rule) => ruleMatches(rule, item)) && !vetoed(category, item.found);
}

/** An exclude word is there and no `exclude_unless` word lifts the veto. */
export function vetoed(category: CompiledCategory, found: ReadonlySet<PhraseId>): boolean {
  return anyFound(category.exclude, found) && !anyFound(category.excludeUnless, found);
}

/**
 * Every field present must hold. A field whose phrases all tokenized to nothing (config rejects
 * those, but the model allows them) holds for no item, so such a rule never matches everything.
 */
export function ruleMatches(rule: CompiledRule, item: ScannedItem): boolean {
  if (rule.sources === undefined && rule.tags === undefined && rule.keywords === undefined && rule.places === undefined)
    return false;
  if (rule.sources !== undefined && !rule.sources.has(item.sourceId)) return false;
  if (rule.tags !== undefined && !anyIn(rule.tags, item.tags)) return false;
  if (rule.keywords !== undefined && !anyFound(rule.keywords, item.found)) return false;
  if (rule.places !== undefined && !anyIn(rule.places, item.regions)) return false;
  if (rule.with !== undefined && !anyFound(rule.with, item.found)) return false;
  if (rule.without !== undefined && anyFound(rule.without, item.found)) return false;
  return true;
}

function anyFound(ids: readonly PhraseId[], found: ReadonlySet<PhraseId>): boolean {
  return ids.some((id) => found.has(id));
}

function anyIn<T>(wanted: ReadonlySet<T>, have: ReadonlySet<T>): boolean {
  for (const value of have) if (wanted.has(value)) return true;
  return false;
}
