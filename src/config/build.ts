/**
 * Validated YAML values → the Config the rest of the service reads: durations in ms, sizes in
 * bytes, defaults applied, file paths resolved against CONFIG_DIR. Runs only on schema-valid input.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Category, Retention, Schedule, Source } from "../model/index.js";
import { parseByteSize, parseDuration } from "./duration.js";
import type { CategoriesFile, SourceEntry, SourcesFile } from "./schema.js";
import type { Config } from "./config-types.js";

export const PRODUCT_TOKEN = "news-feed-publisher/0.1";
export const DEFAULT_CONTACT = "https://github.com/news-feed-publisher";

export const BUILT_IN_DEFAULTS = {
  every: "15m",
  retention: { max_items: 1000, max_age: "90d" },
  fetch: { timeout: "20s", connect_timeout: "5s", max_bytes: "10MB", max_redirects: 5 },
  worker: { concurrency: 4, per_host: 1, parse_timeout: "15s" },
  backoff: { base: "1m", cap: "6h" },
  publish: { min: "30s", max: "15m" },
  cacheMaxBytes: "64MB",
  lease: { default: "10d", min: "1h", max: "30d" },
  maxArticles: 20,
  site: { title: "News feeds", description: "News collected from upstream sites, by category", language: "en" },
} as const;

export function buildConfig(configDir: string, sources: SourcesFile, categories: CategoriesFile): Config {
  const defaults = sources.defaults ?? {};
  const fetchLimits = { ...BUILT_IN_DEFAULTS.fetch, ...defaults.fetch };
  const defaultRetention = { ...BUILT_IN_DEFAULTS.retention, ...defaults.retention };
  const defaultEvery = defaults.every ?? BUILT_IN_DEFAULTS.every;
  return {
    sources: sources.sources.map((entry) => buildSource(configDir, entry, defaultEvery, defaultRetention)),
    categories: categories.categories.map(buildCategory),
    site: { ...BUILT_IN_DEFAULTS.site, ...categories.site },
    fetch: {
      userAgent: `${PRODUCT_TOKEN} (+${defaults.contact ?? DEFAULT_CONTACT})`,
      timeoutMs: durationMs(fetchLimits.timeout),
      connectTimeoutMs: durationMs(fetchLimits.connect_timeout),
      maxBytes: parseByteSize(fetchLimits.max_bytes) ?? 0,
      maxRedirects: fetchLimits.max_redirects,
      allowPrivateNetworks: defaults.fetch?.allow_private_networks ?? false,
      allowedNetworks: defaults.fetch?.allowed_networks ?? [],
      fileRoots: fileRoots(configDir, defaults.fetch?.allowed_file_dirs ?? []),
    },
    worker: {
      concurrency: sources.worker?.concurrency ?? BUILT_IN_DEFAULTS.worker.concurrency,
      perHost: sources.worker?.per_host ?? BUILT_IN_DEFAULTS.worker.per_host,
      // Unset: the pool's own default, which depends on the machine (parse-pool.ts defaultParseThreads).
      ...(sources.worker?.parse_threads !== undefined && { parseThreads: sources.worker.parse_threads }),
      parseBudgetMs: durationMs(sources.worker?.parse_timeout ?? BUILT_IN_DEFAULTS.worker.parse_timeout),
    },
    backoff: buildBackoff(defaults.backoff),
    publish: buildPublish(sources.publish),
    websub: buildWebSub(sources.websub),
  };
}

function buildBackoff(backoff: NonNullable<SourcesFile["defaults"]>["backoff"]): Config["backoff"] {
  const given = { ...BUILT_IN_DEFAULTS.backoff, ...backoff };
  return { baseMs: durationMs(given.base), capMs: durationMs(given.cap) };
}

function buildPublish(publish: SourcesFile["publish"]): Config["publish"] {
  const bounds = { ...BUILT_IN_DEFAULTS.publish, ...publish?.max_age };
  return {
    minMaxAgeSeconds: durationMs(bounds.min) / 1000,
    maxMaxAgeSeconds: durationMs(bounds.max) / 1000,
    cacheMaxBytes: parseByteSize(publish?.cache_max_bytes ?? BUILT_IN_DEFAULTS.cacheMaxBytes) ?? 0,
  };
}

function buildWebSub(websub: SourcesFile["websub"]): Config["websub"] {
  const lease = { ...BUILT_IN_DEFAULTS.lease, ...websub?.lease };
  return {
    lease: {
      defaultSeconds: durationMs(lease.default) / 1000,
      minSeconds: durationMs(lease.min) / 1000,
      maxSeconds: durationMs(lease.max) / 1000,
    },
    allowPrivateCallbacks: websub?.allow_private_callbacks ?? false,
    allowedCallbackNetworks: websub?.allowed_callback_networks ?? [],
    externalHubs: websub?.external_hubs ?? [],
  };
}

/** The schema already checked the pattern, so this never yields 0 in practice. */
function durationMs(text: string): number {
  return parseDuration(text) ?? 0;
}

type RetentionText = { readonly max_items: number; readonly max_age: string };

function buildSource(
  configDir: string,
  entry: SourceEntry,
  defaultEvery: string,
  defaultRetention: RetentionText,
): Source {
  const retention = { ...defaultRetention, ...entry.retention };
  const schedule: Schedule =
    entry.schedule !== undefined ? { cron: entry.schedule } : { every: durationMs(entry.every ?? defaultEvery) };
  const common = {
    id: entry.id,
    kind: entry.kind,
    url: resolveSourceUrl(entry.url, configDir),
    schedule,
    categories: entry.categories ?? [],
    enabled: entry.enabled ?? true,
    retention: { maxItemsPerSource: retention.max_items, maxAgeMs: durationMs(retention.max_age) } satisfies Retention,
  };
  switch (entry.kind) {
    case "feed":
      return common;
    case "html-ticker":
      return { ...common, timezone: entry.timezone, select: entry.select };
    case "html-articles":
      return {
        ...common,
        ...(entry.timezone === undefined ? {} : { timezone: entry.timezone }),
        ...(entry.select === undefined ? {} : { select: entry.select }),
        maxArticlesPerPass: entry.max_articles ?? BUILT_IN_DEFAULTS.maxArticles,
        refresh: entry.refresh ?? false,
      };
  }
}

/**
 * http(s) URLs stay as they are; `sample/news.xml`, `file:sample/news.xml` and `file:/abs/x.xml`
 * become absolute file: URLs, relative paths resolved against CONFIG_DIR (not the process cwd).
 */
export function resolveSourceUrl(url: string, configDir: string): string {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === "http" || scheme === "https") return new URL(url).href;
  if (scheme === "file") {
    const rest = url.slice("file:".length);
    if (rest.startsWith("//")) return new URL(url).href;
    return pathToFileURL(path.resolve(configDir, rest)).href;
  }
  return pathToFileURL(path.resolve(configDir, url)).href;
}

/** The directories file: sources may read: CONFIG_DIR, then each allowed dir (relative ones against CONFIG_DIR). */
export function fileRoots(configDir: string, allowedFileDirs: readonly string[]): string[] {
  return [path.resolve(configDir), ...allowedFileDirs.map((dir) => path.resolve(configDir, dir))];
}

function buildCategory(entry: CategoriesFile["categories"][number]): Category {
  return {
    slug: entry.slug,
    title: entry.title,
    description: entry.description,
    match: entry.match.map((rule) => ({
      ...(rule.sources === undefined ? {} : { sources: rule.sources }),
      ...(rule.tags === undefined ? {} : { tags: rule.tags }),
      ...(rule.keywords === undefined ? {} : { keywords: rule.keywords }),
      ...(rule.places === undefined ? {} : { places: rule.places }),
      ...(rule.with === undefined ? {} : { with: rule.with }),
      ...(rule.without === undefined ? {} : { without: rule.without }),
    })),
    exclude: entry.exclude ?? [],
    ...(entry.exclude_unless === undefined ? {} : { excludeUnless: entry.exclude_unless }),
  };
}
