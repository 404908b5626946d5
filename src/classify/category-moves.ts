/**
 * What a candidate set of rules would change: per category, the items that would enter it and
 * the items that would leave it, compared with the categories they have now. Pure tally; the
 * caller walks the items (cli/against-store.ts walks the store).
 */

export interface MovedItem {
  readonly id: string;
  readonly title: string;
}

export interface CategoryMoves {
  readonly slug: string;
  readonly entering: readonly MovedItem[];
  readonly leaving: readonly MovedItem[];
}

export interface MoveTally {
  /** One item: the categories it has now, and those the candidate rules give it. */
  add(item: MovedItem, now: readonly string[], candidate: readonly string[]): void;
  /** Every category named by `slugs` (in that order), then any other that moved, sorted. */
  result(slugs: readonly string[]): CategoryMoves[];
}

export function createMoveTally(): MoveTally {
  const moves = new Map<string, { entering: MovedItem[]; leaving: MovedItem[] }>();
  const entry = (slug: string): { entering: MovedItem[]; leaving: MovedItem[] } => {
    let found = moves.get(slug);
    if (found === undefined) {
      found = { entering: [], leaving: [] };
      moves.set(slug, found);
    }
    return found;
  };
  return {
    add(item, now, candidate) {
      for (const slug of candidate) if (!now.includes(slug)) entry(slug).entering.push(item);
      for (const slug of now) if (!candidate.includes(slug)) entry(slug).leaving.push(item);
    },
    result(slugs) {
      const others = [...moves.keys()].filter((slug) => !slugs.includes(slug)).sort();
      return [...slugs, ...others].map((slug) => ({
        slug,
        entering: moves.get(slug)?.entering ?? [],
        leaving: moves.get(slug)?.leaving ?? [],
      }));
    },
  };
}
