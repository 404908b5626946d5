import { createMoveTally } from "../classify/category-moves.js";
import type { Classifier } from "../classify/classifier.js";
import type { EpochMs, Source } from "../model/index.js";
import type { Store } from "../store/store.js";

/** How many items entered and left one category. */
export interface CategoryMoveCount {
  readonly slug: string;
  readonly entered: number;
  readonly left: number;
}

export interface ReclassifyResult {
  readonly examined: number;
  readonly changed: number;
  readonly changedCategories: readonly string[];
  /** Per category that any item entered or left, in the order of `slugs` then the rest. */
  readonly moves: readonly CategoryMoveCount[];
}

const BATCH = 5000;

/**
 * Runs the current rules over every stored item, in id-ordered batches, and writes back only
 * the items whose category set changed, so feeds reflect a rules edit without re-fetching
 * anything. Items keep their ids, dates and content; only `changedAt` moves for changed ones.
 */
export async function reclassifyStoredItems(
  store: Store,
  classify: Classifier,
  sources: readonly Source[],
  now: EpochMs,
  slugs: readonly string[] = [],
): Promise<ReclassifyResult> {
  const sourceCategories = new Map(sources.map((source) => [source.id, source.categories]));
  // The same tally `classify --against-store` previews with, so the dry run and the reload agree.
  const tally = createMoveTally();
  const changedCategories = new Set<string>();
  let examined = 0;
  let changed = 0;
  let after: string | undefined;
  for (;;) {
    const batch = await store.listItemsForReclassification(after, BATCH);
    const last = batch.at(-1);
    if (!last) break;
    after = last.id;
    examined += batch.length;
    const changes = batch
      .map((item) => ({
        id: item.id,
        before: item.categories,
        categories: classify(item, sourceCategories.get(item.sourceId) ?? []),
      }))
      .filter((change) => !sameSet(change.before, change.categories));
    if (changes.length === 0) continue;
    changed += changes.length;
    for (const change of changes) tally.add({ id: change.id, title: "" }, change.before, change.categories);
    const written = await store.setItemCategories(changes, now);
    for (const slug of written.changedCategories) changedCategories.add(slug);
  }
  const moves = tally
    .result(slugs)
    .map((move) => ({ slug: move.slug, entered: move.entering.length, left: move.leaving.length }))
    .filter((move) => move.entered > 0 || move.left > 0);
  return { examined, changed, changedCategories: [...changedCategories], moves };
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((slug) => set.has(slug));
}
