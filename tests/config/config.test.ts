import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { formatProblem, loadConfig, parseConfig } from "../../src/config/config.js";
import type { Config, ConfigProblem, ConfigResult } from "../../src/config/config.js";
import { TEST_PRODUCT } from "../fixtures/product.js";

const SHIPPED_CONFIG_DIR = path.resolve(import.meta.dirname, "../../config");
const SOURCES = "config/sources.yaml";
const CATEGORIES = "config/categories.yaml";

const CATEGORIES_YAML = `categories:
  - slug: world
    title: World
    description: International news
    match:
      - keywords: [UN, NATO]
  - slug: morocco-economy
    title: Morocco economy
    description: Business news from Morocco
    match:
      - keywords: [Morocco]
        with: [economy]
    exclude: [football]
`;

const FEED_SOURCE_YAML = `sources:
  - id: walaw-world
    kind: feed
    url: https://example.org/world/rss
`;

function parse(sourcesYaml: string, categoriesYaml = CATEGORIES_YAML): ConfigResult {
  return parseConfig({ configDir: "config", sourcesYaml, categoriesYaml, product: TEST_PRODUCT });
}

function config(sourcesYaml: string, categoriesYaml = CATEGORIES_YAML): Config {
  const result = parse(sourcesYaml, categoriesYaml);
  if (!result.ok) throw new Error(`expected a valid config, got:\n${result.problems.map(formatProblem).join("\n")}`);
  return result.config;
}

function problems(sourcesYaml: string, categoriesYaml = CATEGORIES_YAML): readonly ConfigProblem[] {
  const result = parse(sourcesYaml, categoriesYaml);
  if (result.ok) throw new Error("expected problems, got a valid config");
  return result.problems;
}

describe("the shipped config", () => {
  it("loads with no errors and no warnings", async () => {
    const result = await loadConfig(SHIPPED_CONFIG_DIR, TEST_PRODUCT);
    expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([]);
    if (!result.ok) return;
    expect(result.warnings).toEqual([]);
    expect(result.config.categories.map((c) => c.slug)).toEqual(["world", "morocco-economy", "technology"]);
    expect(result.config.site.language).toBe("en");
  });

  it("bundles an offline sample source whose file exists and is left to the rules", async () => {
    const result = await loadConfig(SHIPPED_CONFIG_DIR, TEST_PRODUCT);
    if (!result.ok) throw new Error("shipped config invalid");
    const sample = result.config.sources.find((s) => s.id === "sample-news");
    expect(sample?.url).toBe(pathToFileURL(path.join(SHIPPED_CONFIG_DIR, "sample/news.xml")).href);
    expect(existsSync(fileURLToPath(sample?.url ?? "file:///nonexistent"))).toBe(true);
    expect(sample?.categories).toEqual([]);
    expect(sample?.enabled).toBe(true);
  });
});

describe("defaults and conversion", () => {
  it("fills every default for a minimal source", () => {
    const cfg = config(FEED_SOURCE_YAML);
    expect(cfg.sources).toEqual([
      {
        id: "walaw-world",
        kind: "feed",
        url: "https://example.org/world/rss",
        schedule: { every: 900_000 },
        categories: [],
        enabled: true,
        retention: { maxItemsPerSource: 1000, maxAgeMs: 90 * 86_400_000 },
      },
    ]);
    expect(cfg.fetch).toEqual({
      userAgent: "news-feed-publisher/0.0.0-test (+https://github.com/news-feed-publisher)",
      timeoutMs: 20_000,
      connectTimeoutMs: 5_000,
      maxBytes: 10 * 1024 * 1024,
      maxRedirects: 5,
      allowPrivateNetworks: false,
      allowedNetworks: [],
      fileRoots: [path.resolve("config")],
    });
    expect(cfg.worker).toEqual({ concurrency: 4, perHost: 1, parseBudgetMs: 15_000 });
    expect(cfg.site).toEqual({
      title: "News feeds",
      description: "News collected from upstream sites, by category",
      language: "en",
    });
  });

  it("applies file-level defaults, then per-source overrides", () => {
    const cfg = config(`defaults:
  every: 5m
  retention: { max_items: 200, max_age: 30d }
  fetch: { timeout: 1m, connect_timeout: 2s, max_bytes: 512KB, max_redirects: 2, allowed_networks: [10.0.0.0/8, "fd00::/8"] }
  contact: https://example.org/about-this-bot
worker: { concurrency: 8, per_host: 2, parse_threads: 3, parse_timeout: 40s }
sources:
  - id: a
    kind: feed
    url: https://example.org/a
  - id: b
    kind: feed
    url: https://example.org/b
    every: 1h
    retention: { max_age: 7d }
    enabled: false
    categories: [world]
`);
    expect(cfg.sources[0]?.schedule).toEqual({ every: 300_000 });
    expect(cfg.sources[0]?.retention).toEqual({ maxItemsPerSource: 200, maxAgeMs: 30 * 86_400_000 });
    expect(cfg.sources[1]).toMatchObject({
      schedule: { every: 3_600_000 },
      retention: { maxItemsPerSource: 200, maxAgeMs: 7 * 86_400_000 },
      enabled: false,
      categories: ["world"],
    });
    expect(cfg.fetch).toEqual({
      userAgent: "news-feed-publisher/0.0.0-test (+https://example.org/about-this-bot)",
      timeoutMs: 60_000,
      connectTimeoutMs: 2_000,
      maxBytes: 524_288,
      maxRedirects: 2,
      allowPrivateNetworks: false,
      allowedNetworks: ["10.0.0.0/8", "fd00::/8"],
      fileRoots: [path.resolve("config")],
    });
    expect(cfg.worker).toEqual({ concurrency: 8, perHost: 2, parseThreads: 3, parseBudgetMs: 40_000 });
  });

  it("refuses an allowed network that is not a CIDR block, naming its line", () => {
    const found = problems(`defaults:
  fetch:
    allowed_networks: [10.0.0.0/33]
${FEED_SOURCE_YAML}`);
    expect(found.map(formatProblem)).toEqual([
      expect.stringMatching(
        /sources\.yaml:3:.*defaults\.fetch\.allowed_networks\[0\]: expected an IP address or a CIDR block/,
      ),
    ]);
  });

  it("keeps a cron schedule as written", () => {
    const cfg = config(`sources:
  - id: a
    kind: feed
    url: https://example.org/a
    schedule: "*/10 6-22 * * *"
`);
    expect(cfg.sources[0]?.schedule).toEqual({ cron: "*/10 6-22 * * *" });
  });

  it("resolves file paths against CONFIG_DIR, not the working directory", () => {
    const cfg = parseConfig({
      configDir: "/etc/feeds",
      sourcesYaml: `defaults: { fetch: { allowed_file_dirs: [/srv] } }
sources:
  - { id: a, kind: feed, url: sample/news.xml }
  - { id: b, kind: feed, url: "file:sample/b.xml" }
  - { id: c, kind: feed, url: "file:///srv/c.xml" }
  - { id: d, kind: feed, url: /srv/d.xml }
  - { id: e, kind: feed, url: "HTTPS://Example.org/e" }
`,
      categoriesYaml: "categories: []\n",
      product: TEST_PRODUCT,
    });
    if (!cfg.ok) throw new Error(cfg.problems.map(formatProblem).join("\n"));
    expect(cfg.config.sources.map((s) => s.url)).toEqual([
      "file:///etc/feeds/sample/news.xml",
      "file:///etc/feeds/sample/b.xml",
      "file:///srv/c.xml",
      "file:///srv/d.xml",
      "https://example.org/e",
    ]);
  });

  it("confines file: sources to CONFIG_DIR and allowed_file_dirs, naming file and line (issue 9 point 7)", () => {
    const result = parseConfig({
      configDir: "/etc/feeds",
      sourcesYaml: `defaults: { fetch: { allowed_file_dirs: [../shared, /srv/pages] } }
sources:
  - { id: a, kind: feed, url: sample/news.xml }
  - { id: b, kind: html-ticker, timezone: UTC, url: "file:///etc/passwd" }
  - { id: c, kind: feed, url: ../../etc/shadow }
  - { id: d, kind: feed, url: ../shared/news.xml }
  - { id: e, kind: feed, url: /srv/pages/x.html }
  - { id: f, kind: feed, url: /srv/pages-not/x.html }
`,
      categoriesYaml: "categories: []\n",
      product: TEST_PRODUCT,
    });
    expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([
      "/etc/feeds/sources.yaml:4:53 sources[1].url: file /etc/passwd is outside the config directory /etc/feeds; list its directory in defaults.fetch.allowed_file_dirs to read it",
      "/etc/feeds/sources.yaml:5:31 sources[2].url: file /etc/shadow is outside the config directory /etc/feeds; list its directory in defaults.fetch.allowed_file_dirs to read it",
      "/etc/feeds/sources.yaml:8:31 sources[5].url: file /srv/pages-not/x.html is outside the config directory /etc/feeds; list its directory in defaults.fetch.allowed_file_dirs to read it",
    ]);
  });

  it("builds html-ticker and html-articles sources with their own fields", () => {
    const cfg = config(`sources:
  - id: walaw-breaking
    kind: html-ticker
    url: https://example.org/
    timezone: Africa/Casablanca
    select: { item: "ul.ticker li", time: time, title: a, link: a }
  - id: walaw-economy
    kind: html-articles
    url: https://example.org/economy
    select: { link: "h2 a", body: article }
    max_articles: 5
    refresh: true
`);
    expect(cfg.sources[0]).toMatchObject({
      kind: "html-ticker",
      timezone: "Africa/Casablanca",
      select: { item: "ul.ticker li", time: "time", title: "a", link: "a" },
    });
    expect(cfg.sources[0]).not.toHaveProperty("maxArticlesPerPass");
    expect(cfg.sources[1]).toMatchObject({
      kind: "html-articles",
      maxArticlesPerPass: 5,
      refresh: true,
      select: { link: "h2 a", body: "article" },
    });
    expect(
      config(`sources:
  - { id: x, kind: html-articles, url: "https://example.org/", select: { link: a } }
`).sources[0],
    ).toMatchObject({ maxArticlesPerPass: 20, refresh: false });
  });

  it("passes categories through with exclude defaulted to []", () => {
    const cfg = config(FEED_SOURCE_YAML);
    expect(cfg.categories[0]).toEqual({
      slug: "world",
      title: "World",
      description: "International news",
      match: [{ keywords: ["UN", "NATO"] }],
      exclude: [],
    });
    expect(cfg.categories[1]?.match).toEqual([{ keywords: ["Morocco"], with: ["economy"] }]);
  });

  it("reads defaults.backoff (bug: the backoff cap for failing sources was not configurable)", () => {
    expect(config(FEED_SOURCE_YAML).backoff).toEqual({ baseMs: 60_000, capMs: 6 * 3_600_000 });
    expect(config(`defaults:\n  backoff: { base: 30s, cap: 2h }\n${FEED_SOURCE_YAML}`).backoff).toEqual({
      baseMs: 30_000,
      capMs: 2 * 3_600_000,
    });
    expect(config(`defaults:\n  backoff: { cap: 1h }\n${FEED_SOURCE_YAML}`).backoff).toEqual({
      baseMs: 60_000,
      capMs: 3_600_000,
    });
  });

  it("reads the WebSub subscription caps, with defaults (issue 9: subscriptions were unlimited)", () => {
    expect(config(FEED_SOURCE_YAML).websub.subscriptionCaps).toEqual({ perHost: 50, total: 1000 });
    expect(
      config(`websub: { max_subscriptions_per_host: 5, max_subscriptions: 20 }\n${FEED_SOURCE_YAML}`).websub
        .subscriptionCaps,
    ).toEqual({ perHost: 5, total: 20 });
    expect(problems(`websub: { max_subscriptions: 0 }\n${FEED_SOURCE_YAML}`)[0]).toMatchObject({
      path: "websub.max_subscriptions",
      line: 1,
    });
  });

  it("is deeply frozen", () => {
    const result = parse(FEED_SOURCE_YAML);
    if (!result.ok) throw new Error("invalid");
    const cfg = result.config;
    expect(Object.isFrozen(result)).toBe(true);
    expect(Object.isFrozen(cfg.sources)).toBe(true);
    expect(Object.isFrozen(cfg.sources[0]?.retention)).toBe(true);
    expect(Object.isFrozen(cfg.categories[0]?.match[0]?.keywords)).toBe(true);
    expect(() => {
      (cfg.fetch as { maxRedirects: number }).maxRedirects = 50;
    }).toThrow(TypeError);
  });
});

describe("validation: each rule names file, line, column, path and message", () => {
  const one = (sourcesYaml: string, categoriesYaml?: string): ConfigProblem => {
    const found = problems(sourcesYaml, categoriesYaml);
    expect(found, found.map(formatProblem).join("\n")).toHaveLength(1);
    return found[0] as ConfigProblem;
  };

  it("rejects a bad duration", () => {
    expect(
      one(`sources:
  - id: a
    kind: feed
    url: https://example.org/a
    every: 10 minutes
`),
    ).toEqual({
      file: SOURCES,
      line: 5,
      column: 12,
      path: "sources[0].every",
      message: "expected a duration like 30s, 10m, 1h or 1d",
      severity: "error",
    });
  });

  it.each(["0s", "1.5h", "10", "1w", "-5m"])("rejects duration %j", (every) => {
    expect(one(`sources:\n  - { id: a, kind: feed, url: "https://example.org/a", every: "${every}" }\n`)).toMatchObject(
      {
        path: "sources[0].every",
        message: "expected a duration like 30s, 10m, 1h or 1d",
      },
    );
  });

  it("rejects a bad duration in defaults and retention", () => {
    const found = problems(`defaults:
  every: soon
  retention: { max_age: forever }
sources: []
`);
    expect(found.map((p) => [p.line, p.path])).toEqual([
      [2, "defaults.every"],
      [3, "defaults.retention.max_age"],
    ]);
  });

  it("rejects an unknown field, pointing at the key", () => {
    expect(
      one(`sources:
  - id: a
    kind: feed
    url: https://example.org/a
    evry: 10m
`),
    ).toEqual({
      file: SOURCES,
      line: 5,
      column: 5,
      path: "sources[0].evry",
      message: 'unknown field "evry"; did you mean "every"?',
      severity: "error",
    });
  });

  it("rejects unknown top-level fields in both files", () => {
    const found = problems("source: []\nsources: []\n", "categories: []\ncolors: [red]\n");
    expect(found.map((p) => [p.file, p.line, p.path, p.message])).toEqual([
      [CATEGORIES, 2, "colors", 'unknown field "colors"'],
      [SOURCES, 1, "source", 'unknown field "source"; did you mean "sources"?'],
    ]);
  });

  it("suggests the field a nested typo meant, from the fields valid at that place", () => {
    const found = problems(
      `defaults:
  backoff: { bsae: 1m }
sources:
  - id: a
    kind: html-ticker
    url: https://example.org/
    timezone: Africa/Casablanca
    select: { item: li, time: time, titel: a }
`,
      CATEGORIES_YAML,
    );
    expect(found.map((p) => [p.path, p.message])).toEqual([
      ["defaults.backoff.bsae", 'unknown field "bsae"; did you mean "base"?'],
      ["sources[0].select.titel", 'unknown field "titel"; did you mean "title"?'],
    ]);
  });

  it("explains a field that belongs to another source kind", () => {
    expect(
      one(`sources:
  - id: a
    kind: feed
    url: https://example.org/a
    timezone: Africa/Casablanca
`),
    ).toMatchObject({
      line: 5,
      path: "sources[0].timezone",
      message: 'unknown field "timezone": only sources of kind html-articles or html-ticker use it, this one is feed',
    });
  });

  it("rejects an unknown kind and a missing kind", () => {
    const found = problems(`sources:
  - id: a
    kind: rss
    url: https://example.org/a
  - id: b
    url: https://example.org/b
`);
    expect(found.map((p) => [p.line, p.path, p.message])).toEqual([
      [3, "sources[0].kind", 'expected one of feed, html-articles, html-ticker, got "rss"'],
      [5, "sources[1].kind", 'missing required field "kind" (one of feed, html-articles, html-ticker)'],
    ]);
  });

  it("rejects both every and schedule", () => {
    expect(
      one(`sources:
  - id: a
    kind: feed
    url: https://example.org/a
    every: 10m
    schedule: "*/5 * * * *"
`),
    ).toEqual({
      file: SOURCES,
      line: 6,
      column: 15,
      path: "sources[0].schedule",
      message: "use either `every` or `schedule`, not both",
      severity: "error",
    });
  });

  it("rejects a cron expression node-cron cannot run", () => {
    expect(
      one(`sources:
  - id: a
    kind: feed
    url: https://example.org/a
    schedule: "61 * * * *"
`),
    ).toMatchObject({
      line: 5,
      path: "sources[0].schedule",
      message: 'expected a cron expression like "*/10 * * * *"',
    });
  });

  it("rejects URLs that are neither http(s) nor a file path", () => {
    for (const url of ["ftp://example.org/rss", "javascript:alert(1)", "https://", ""]) {
      expect(one(`sources:\n  - { id: a, kind: feed, url: "${url}" }\n`)).toMatchObject({
        path: "sources[0].url",
        message: "expected an http(s): URL, or a file path relative to the config directory",
      });
    }
  });

  it("rejects a source id that is not a slug", () => {
    expect(one(`sources:\n  - { id: Walaw World, kind: feed, url: "https://example.org/" }\n`)).toMatchObject({
      line: 2,
      column: 11,
      path: "sources[0].id",
      message: "expected a lowercase slug like walaw-world (letters, digits, - or _)",
    });
  });

  it("rejects duplicate source ids, naming the first", () => {
    expect(
      one(`sources:
  - id: a
    kind: feed
    url: https://example.org/a
  - id: a
    kind: feed
    url: https://example.org/b
`),
    ).toEqual({
      file: SOURCES,
      line: 5,
      column: 9,
      path: "sources[1].id",
      message: 'duplicate source id "a" (first defined at line 2)',
      severity: "error",
    });
  });

  it("refuses a YAML alias bomb as a problem of its file and line (regression: no file, no line, no rejected edit)", () => {
    const bomb = [
      'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]',
      "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]",
      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]",
      "d: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]",
      "sources: []",
      "",
    ].join("\n");
    const found = problems(bomb);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      file: expect.stringMatching(/sources\.yaml$/) as unknown,
      line: 2,
      severity: "error",
    });
    expect(found[0]?.message).toMatch(/^aliases expand too far: /);
  });

  it("html-ticker needs a valid timezone, and item and time selectors when select is given", () => {
    const found = problems(`sources:
  - id: t
    kind: html-ticker
    url: https://example.org/
    select: { item: li, link: a }
  - id: u
    kind: html-ticker
    url: https://example.org/
    timezone: Africa/Rabat
    select: { item: li, time: time, title: a }
`);
    expect(found.map((p) => [p.line, p.path, p.message])).toEqual([
      [2, "sources[0].timezone", 'missing required field "timezone"'],
      [5, "sources[0].select.time", 'missing required field "time"'],
      [9, "sources[1].timezone", "expected an IANA time zone like Africa/Casablanca"],
    ]);
  });

  it("html-ticker without select: (detection) and without select.title is valid", () => {
    const result = parse(
      `sources:
  - id: t
    kind: html-ticker
    url: https://example.org/
    timezone: Africa/Casablanca
  - id: u
    kind: html-ticker
    url: https://example.org/
    timezone: Africa/Casablanca
    select: { item: li, time: time }
`,
      CATEGORIES_YAML,
    );
    expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([]);
  });

  it("html-articles without select (or select.link) detects links; a select naming neither link nor body is an error", () => {
    const cfg = config(`sources:
  - { id: a, kind: html-articles, url: "https://example.org/", timezone: Africa/Casablanca }
  - { id: b, kind: html-articles, url: "https://example.org/b", select: { body: ".text" } }
`);
    expect(cfg.sources[0]).not.toHaveProperty("select");
    expect(cfg.sources[0]).toMatchObject({ timezone: "Africa/Casablanca" });
    expect(cfg.sources[1]).toMatchObject({ select: { body: ".text" } });
    expect(
      one(`sources:
  - id: a
    kind: html-articles
    url: https://example.org/
    select: { item: article }
`),
    ).toMatchObject({
      line: 5,
      path: "sources[0].select",
      message: "html-articles reads select.link and select.body only: give one, or drop select to detect links",
    });
  });

  it("rejects an unknown selector and a bad max_articles", () => {
    const found = problems(`sources:
  - id: a
    kind: html-articles
    url: https://example.org/
    select: { link: a, author: .by }
    max_articles: 0
`);
    expect(found.map((p) => [p.line, p.path, p.message])).toEqual([
      [5, "sources[0].select.author", 'unknown field "author"'],
      [6, "sources[0].max_articles", "must be at least 1"],
    ]);
  });

  it("rejects wrong value types in words an operator understands", () => {
    const found = problems(`sources:
  - id: a
    kind: feed
    url: https://example.org/a
    enabled: "no"
    categories: world
`);
    expect(found.map((p) => [p.line, p.path, p.message])).toEqual([
      [5, "sources[0].enabled", 'expected true or false, got "no"'],
      [6, "sources[0].categories", 'expected a list, got "world"'],
    ]);
  });

  it("rejects a source category that categories.yaml does not define", () => {
    expect(
      one(`sources:
  - id: a
    kind: feed
    url: https://example.org/a
    categories: [world, sport]
`),
    ).toEqual({
      file: SOURCES,
      line: 5,
      column: 25,
      path: "sources[0].categories[1]",
      message: 'unknown category "sport" (categories.yaml defines: world, morocco-economy)',
      severity: "error",
    });
  });

  it("rejects a backoff whose base is longer than its cap, or an unknown backoff field", () => {
    expect(one("defaults:\n  backoff: { base: 2h, cap: 1h }\nsources: []\n")).toMatchObject({
      line: 2,
      path: "defaults.backoff",
      message: "`base` must not be longer than `cap`",
    });
    expect(one("defaults:\n  backoff: { max: 1h }\nsources: []\n")).toMatchObject({
      path: "defaults.backoff.max",
      message: 'unknown field "max"',
    });
  });

  it("rejects a bad contact URL", () => {
    expect(one("defaults:\n  contact: ops@example.org\nsources: []\n")).toMatchObject({
      line: 2,
      path: "defaults.contact",
      message: "expected an http(s): or mailto: URL where upstream admins can reach the operator",
    });
  });

  describe("categories", () => {
    const category = (fields: string): string => `categories:
  - slug: world
    title: World
    description: International news
${fields}`;

    it("rejects a slug that is not a lowercase slug", () => {
      expect(
        one(FEED_SOURCE_YAML, "categories:\n  - { slug: Morocco_Economy, title: M, description: d, match: [] }\n"),
      ).toEqual({
        file: CATEGORIES,
        line: 2,
        column: 13,
        path: "categories[0].slug",
        message: "expected a lowercase slug like morocco-economy (letters, digits and single hyphens)",
        severity: "error",
      });
    });

    it("rejects the reserved slug all", () => {
      expect(
        one(FEED_SOURCE_YAML, "categories:\n  - { slug: all, title: All, description: d, match: [] }\n"),
      ).toMatchObject({
        file: CATEGORIES,
        path: "categories[0].slug",
        message: '"all" is reserved for the feed of every item',
      });
    });

    it("rejects duplicate slugs, naming the first", () => {
      expect(
        one(
          FEED_SOURCE_YAML,
          `categories:
  - { slug: world, title: World, description: d, match: [] }
  - { slug: world, title: World again, description: d, match: [] }
`,
        ),
      ).toMatchObject({
        line: 3,
        path: "categories[1].slug",
        message: 'duplicate category slug "world" (first defined at line 2)',
      });
    });

    it("rejects a rule with only `with`", () => {
      expect(one(FEED_SOURCE_YAML, category("    match:\n      - with: [economy]\n"))).toEqual({
        file: CATEGORIES,
        line: 6,
        column: 9,
        path: "categories[0].match[0]",
        message: "`with` and `without` only narrow a rule: add sources, tags, keywords or places",
        severity: "error",
      });
    });

    it("rejects an empty rule and empty lists", () => {
      const found = problems(FEED_SOURCE_YAML, category("    match:\n      - {}\n      - keywords: []\n"));
      expect(found.map((p) => [p.line, p.path, p.message])).toEqual([
        [6, "categories[0].match[0]", "a rule needs at least one of sources, tags, keywords or places"],
        [7, "categories[0].match[1].keywords", "must list at least one entry"],
      ]);
    });

    it("rejects keywords and excludes with nothing to match", () => {
      const found = problems(
        FEED_SOURCE_YAML,
        category('    match:\n      - keywords: ["--"]\n    exclude: ["", "ok"]\n'),
      );
      expect(found.map((p) => [p.line, p.path, p.message])).toEqual([
        [6, "categories[0].match[0].keywords[0]", "must contain at least one letter or digit"],
        [7, "categories[0].exclude[0]", "must contain at least one letter or digit"],
      ]);
    });

    it("rejects missing title and description", () => {
      const found = problems(FEED_SOURCE_YAML, "categories:\n  - slug: world\n    match: []\n");
      expect(found.map((p) => [p.line, p.path, p.message])).toEqual([
        [2, "categories[0].title", 'missing required field "title"'],
        [2, "categories[0].description", 'missing required field "description"'],
      ]);
    });

    it("warns, but accepts, a rule naming a source no source has", () => {
      const result = parse(FEED_SOURCE_YAML, category("    match:\n      - sources: [walaw-world, walaw-sport]\n"));
      expect(result.ok).toBe(true);
      expect(result.ok && result.warnings).toEqual([
        {
          file: CATEGORIES,
          line: 6,
          column: 32,
          path: "categories[0].match[0].sources[1]",
          message: 'no source has id "walaw-sport"; this rule matches nothing until one does',
          severity: "warning",
        },
      ]);
    });

    it("rejects unknown site fields and a bad language tag", () => {
      const found = problems(FEED_SOURCE_YAML, "site: { title: T, language: english!, owner: me }\ncategories: []\n");
      expect(found.map((p) => [p.line, p.path, p.message])).toEqual([
        [1, "site.language", "expected a language tag like en or en-GB"],
        [1, "site.owner", 'unknown field "owner"'],
      ]);
    });
  });
});

describe("YAML syntax", () => {
  it("says to quote an unquoted cron expression, once (bug: four 'Unexpected alias' errors)", () => {
    const found = problems(
      "sources:\n  - id: a\n    kind: feed\n    url: https://example.org/a\n    schedule: */10 * * * *\n",
      CATEGORIES_YAML,
    );
    expect(found).toEqual([
      {
        file: SOURCES,
        line: 5,
        column: expect.any(Number) as unknown,
        path: "",
        message: 'a value starting with "*" is read as a YAML alias; quote it: schedule: "*/10 * * * *"',
        severity: "error",
      },
    ]);
    const everyMinute = problems("sources:\n  - id: a\n    schedule: * * * * *  # each minute\n", CATEGORIES_YAML);
    expect(everyMinute.map((p) => [p.line, p.message])).toEqual([
      [3, 'a value starting with "*" is read as a YAML alias; quote it: schedule: "* * * * *"'],
    ]);
  });

  it("says to indent with spaces when a tab indents a line, once", () => {
    const found = problems("sources:\n  - id: a\n\tkind: feed\n    url: https://example.org/a\n", CATEGORIES_YAML);
    expect(found.map((p) => [p.file, p.line, p.message])).toEqual([
      [SOURCES, 3, "a tab indents this line; YAML indents with spaces only: replace the tab with spaces"],
    ]);
  });

  it("reports a syntax error with its line, and still checks the other file", () => {
    const found = problems(
      "sources:\n  - id: a\n    kind: [feed\n",
      "categories:\n  - slug: ALL\n    title: x\n    description: y\n    match: []\n",
    );
    expect(found.map((p) => [p.file, p.line, p.path, p.severity])).toEqual([
      [CATEGORIES, 2, "categories[0].slug", "error"],
      [SOURCES, 4, "", "error"],
    ]);
    expect(found[1]?.message).toMatch(/flow sequence/i);
  });

  it("reports a repeated key instead of silently keeping the last one", () => {
    const found = problems("sources: []\nsources: []\n", CATEGORIES_YAML);
    expect(found).toEqual([
      { file: SOURCES, line: 2, column: 1, path: "", message: "Map keys must be unique", severity: "error" },
    ]);
  });

  it("reports an empty file at line 1", () => {
    expect(problems("", CATEGORIES_YAML)).toEqual([
      {
        file: SOURCES,
        line: 1,
        column: 1,
        path: "sources",
        message: 'missing required field "sources"',
        severity: "error",
      },
    ]);
  });
});

describe("every problem at once", () => {
  it("reports all problems of both files in one result, in file and line order", () => {
    const found = problems(
      `defaults:
  every: often
sources:
  - id: a
    kind: feed
    url: https://example.org/a
    every: 10m
    schedule: "* * * * *"
    colour: red
  - id: a
    kind: html-ticker
    url: gopher://example.org/
    timezone: Mars/Olympus
    select: { item: li, time: time, title: a }
    categories: [sport]
`,
      `categories:
  - slug: all
    title: All
    description: d
    match:
      - with: [x]
      - sources: [ghost]
  - slug: all
    title: Again
    description: d
    match: []
`,
    );
    expect(found.map((p) => `${p.file}:${p.line} ${p.path} [${p.severity}]`)).toEqual([
      "config/categories.yaml:2 categories[0].slug [error]",
      "config/categories.yaml:6 categories[0].match[0] [error]",
      "config/categories.yaml:7 categories[0].match[1].sources[0] [warning]",
      "config/categories.yaml:8 categories[1].slug [error]",
      "config/categories.yaml:8 categories[1].slug [error]",
      "config/sources.yaml:2 defaults.every [error]",
      "config/sources.yaml:8 sources[0].schedule [error]",
      "config/sources.yaml:9 sources[0].colour [error]",
      "config/sources.yaml:10 sources[1].id [error]",
      "config/sources.yaml:12 sources[1].url [error]",
      "config/sources.yaml:13 sources[1].timezone [error]",
      "config/sources.yaml:15 sources[1].categories[0] [error]",
    ]);
  });
});

describe("loadConfig", () => {
  it("reports missing files as problems instead of throwing", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "config-test-"));
    try {
      const result = await loadConfig(dir, TEST_PRODUCT);
      expect(result.ok).toBe(false);
      expect(!result.ok && result.problems.map((p) => [p.file, p.path, p.severity])).toEqual([
        [path.join(dir, "sources.yaml"), "", "error"],
        [path.join(dir, "categories.yaml"), "", "error"],
      ]);
      expect(!result.ok && result.problems[0]?.message).toBe(`file not found in config directory ${dir}`);
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it("reads both files from the directory", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "config-test-"));
    try {
      await writeFile(path.join(dir, "sources.yaml"), "sources:\n  - { id: s, kind: feed, url: feed.xml }\n");
      await writeFile(path.join(dir, "categories.yaml"), CATEGORIES_YAML);
      const result = await loadConfig(dir, TEST_PRODUCT);
      expect(result.ok && result.config.sources[0]?.url).toBe(pathToFileURL(path.join(dir, "feed.xml")).href);
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});

describe("formatProblem", () => {
  it("prints file:line:column path: message", () => {
    expect(
      formatProblem({
        file: SOURCES,
        line: 12,
        column: 5,
        path: "sources[2].every",
        message: "expected a duration like 30s, 10m, 1h or 1d",
        severity: "error",
      }),
    ).toBe("config/sources.yaml:12:5 sources[2].every: expected a duration like 30s, 10m, 1h or 1d");
  });

  it("marks warnings and omits what is unknown", () => {
    expect(
      formatProblem({
        file: CATEGORIES,
        line: 3,
        column: 7,
        path: "categories[0].match[0].sources[0]",
        message: 'no source has id "x"',
        severity: "warning",
      }),
    ).toBe('config/categories.yaml:3:7 categories[0].match[0].sources[0]: warning: no source has id "x"');
    expect(formatProblem({ file: SOURCES, path: "", message: "file not found", severity: "error" })).toBe(
      "config/sources.yaml: file not found",
    );
  });
});

describe("publish.cache_max_bytes", () => {
  it("defaults to 64MB and reads a size", () => {
    expect(config(FEED_SOURCE_YAML).publish.cacheMaxBytes).toBe(64 * 1024 ** 2);
    expect(config(`publish: { cache_max_bytes: 256MB }\n${FEED_SOURCE_YAML}`).publish.cacheMaxBytes).toBe(
      256 * 1024 ** 2,
    );
  });

  it.each([
    ["lots", "expected a size like 512KB, 10MB or 1GB"],
    ["512KB", "must be at least 1MB: a smaller cache re-renders nearly every poll"],
  ])("rejects %j", (value, message) => {
    expect(
      problems(`publish: { cache_max_bytes: ${value} }\n${FEED_SOURCE_YAML}`).map((p) => [p.line, p.path, p.message]),
    ).toEqual([[1, "publish.cache_max_bytes", message]]);
  });
});
