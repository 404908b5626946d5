import type { Source } from "../../src/model/index.js";

/** An html-articles source over `url` as config would build it; `overrides` set what a test varies. */
export function articlesSource(url: string, overrides: Partial<Source> = {}): Source {
  return {
    id: "maghreb-world",
    kind: "html-articles",
    url,
    schedule: { every: 900_000 },
    categories: [],
    enabled: true,
    select: { link: ".teaser h2 a" },
    retention: { maxItemsPerSource: 500, maxAgeMs: 3650 * 86_400_000 },
    ...overrides,
  };
}
