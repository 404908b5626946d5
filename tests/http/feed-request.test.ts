import { describe, expect, it } from "vitest";
import { parseFeedRequest } from "../../src/http/feed-request.js";
import { HttpProblem } from "../../src/http/problem.js";

const slugs = ["world", "morocco-economy", "technology"];
const parse = (url: string) => {
  const parsed = new URL(url, "http://x");
  return parseFeedRequest(parsed.pathname, parsed.searchParams, slugs);
};
const problemOf = (url: string): HttpProblem => {
  try {
    parse(url);
  } catch (error) {
    if (error instanceof HttpProblem) return error;
    throw error;
  }
  throw new Error(`expected ${url} to be rejected`);
};

describe("parseFeedRequest", () => {
  it("reads a category feed with defaults", () => {
    expect(parse("/feeds/world.rss")).toEqual({
      slug: "world",
      format: "rss",
      query: { categories: ["world"], kind: undefined, limit: 50, page: 1 },
    });
  });

  it("reads union, kind, limit and page on all, sorting and deduplicating categories", () => {
    expect(parse("/feeds/all.json?category=technology,world,world&kind=ticker&limit=500&page=3")).toEqual({
      slug: "all",
      format: "json",
      query: { categories: ["technology", "world"], kind: "ticker", limit: 500, page: 3 },
    });
  });

  it("answers 404 listing every feed for an unknown category or format", () => {
    for (const url of ["/feeds/sport.rss", "/feeds/world.xml", "/feeds/world", "/feeds/a/b.rss"]) {
      const problem = problemOf(url);
      expect(problem.status).toBe(404);
      expect(problem.extra.feeds).toContain("/feeds/world.rss");
      expect(problem.extra.feeds).toContain("/feeds/all.json");
    }
  });

  it("answers 400 naming the parameter", () => {
    const cases: Array<[string, string]> = [
      ["/feeds/all.rss?limit=0", "limit"],
      ["/feeds/all.rss?limit=501", "limit"],
      ["/feeds/all.rss?limit=ten", "limit"],
      ["/feeds/all.rss?limit=1&limit=2", "limit"],
      ["/feeds/all.rss?page=0", "page"],
      ["/feeds/all.rss?kind=video", "kind"],
      ["/feeds/all.rss?category=sport", "category"],
      ["/feeds/all.rss?category=", "category"],
      ["/feeds/world.rss?category=technology", "category"],
    ];
    for (const [url, parameter] of cases) {
      const problem = problemOf(url);
      expect(problem.status, url).toBe(400);
      expect(problem.extra.parameter, url).toBe(parameter);
      expect(problem.detail, url).toContain(parameter);
    }
  });

  it("ignores unknown parameters such as cache busters", () => {
    expect(parse("/feeds/world.atom?_=12345").format).toBe("atom");
  });
});
