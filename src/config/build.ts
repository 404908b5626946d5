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
import { BUILT_IN_DEFAULTS } from "./defaults.js";
import { productToken, type Product } from "./product.js";

const D = BUILT_IN_DEFAULTS;

/**
 * `given` over `defaults`, key by key: a key the YAML left out keeps its built-in default. (A plain
 * `{ ...defaults, ...given }` would let a key present with an undefined value erase its default.)
 */
function filled<T extends object>(defaults: T, given: { readonly [K in keyof T]?: T[K] | undefined } | undefined): T {
  const result: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [key, value] of Object.entries(given ?? {})) if (value !== undefined) result[key] = value;
  return result as T;
}

type SiteText = Config["site"];
type FetchText = {
  readonly timeout: string;
  readonly connect_timeout: string;
  readonly max_bytes: string;
  readonly max_redirects: number;
  readonly allow_private_networks: boolean;
  readonly allowed_networks: readonly string[];
};
type Bounds = { readonly min: string; readonly max: string };

export function buildConfig(
  configDir: string,
  sources: SourcesFile,
  categories: CategoriesFile,
  product: Product,
): Config {
  const defaults = sources.defaults ?? {};
  const defaultRetention = filled<RetentionText>(D.defaults.retention, defaults.retention);
  const defaultEvery = defaults.every ?? D.defaults.every;
  return {
    product,
    sources: sources.sources.map((entry) => buildSource(configDir, entry, defaultEvery, defaultRetention)),
    categories: categories.categories.map(buildCategory),
    site: filled<SiteText>(D.site, categories.site),
    fetch: {
      ...buildFetchOptions(product, defaults.fetch, defaults.contact),
      fileRoots: fileRoots(configDir, defaults.fetch?.allowed_file_dirs ?? D.defaults.fetch.allowed_file_dirs),
    },
    worker: {
      concurrency: sources.worker?.concurrency ?? D.worker.concurrency,
      perHost: sources.worker?.per_host ?? D.worker.per_host,
      // Unset: the pool's own default, which depends on the machine (parse-pool.ts defaultParseThreads).
      ...(sources.worker?.parse_threads !== undefined && { parseThreads: sources.worker.parse_threads }),
      parseBudgetMs: durationMs(sources.worker?.parse_timeout ?? D.worker.parse_timeout),
    },
    backoff: buildBackoff(defaults.backoff),
    publish: buildPublish(sources.publish),
    websub: buildWebSub(sources.websub),
  };
}

type Defaults = NonNullable<SourcesFile["defaults"]>;

/**
 * How requests are made, from `defaults.fetch` and `defaults.contact`; with neither, the built-in
 * fetch settings (what discover uses when the config directory does not load). File roots are
 * the caller's: they depend on CONFIG_DIR, or on there being none.
 */
export function buildFetchOptions(
  product: Product,
  fetch?: Defaults["fetch"],
  contact?: Defaults["contact"],
): Omit<Config["fetch"], "fileRoots"> {
  const limits = filled<FetchText>(D.defaults.fetch, fetch);
  return {
    userAgent: `${productToken(product)} (+${contact ?? D.defaults.contact})`,
    timeoutMs: durationMs(limits.timeout),
    connectTimeoutMs: durationMs(limits.connect_timeout),
    maxBytes: parseByteSize(limits.max_bytes) ?? 0,
    maxRedirects: limits.max_redirects,
    allowPrivateNetworks: limits.allow_private_networks,
    allowedNetworks: limits.allowed_networks,
  };
}

function buildBackoff(backoff: Defaults["backoff"]): Config["backoff"] {
  const given = filled<{ readonly base: string; readonly cap: string }>(D.defaults.backoff, backoff);
  return { baseMs: durationMs(given.base), capMs: durationMs(given.cap) };
}

function buildPublish(publish: SourcesFile["publish"]): Config["publish"] {
  const bounds = filled<Bounds>(D.publish.max_age, publish?.max_age);
  return {
    minMaxAgeSeconds: durationMs(bounds.min) / 1000,
    maxMaxAgeSeconds: durationMs(bounds.max) / 1000,
    cacheMaxBytes: parseByteSize(publish?.cache_max_bytes ?? D.publish.cache_max_bytes) ?? 0,
  };
}

function buildWebSub(websub: SourcesFile["websub"]): Config["websub"] {
  const lease = filled<Bounds & { readonly default: string }>(D.websub.lease, websub?.lease);
  return {
    lease: {
      defaultSeconds: durationMs(lease.default) / 1000,
      minSeconds: durationMs(lease.min) / 1000,
      maxSeconds: durationMs(lease.max) / 1000,
    },
    allowPrivateCallbacks: websub?.allow_private_callbacks ?? D.websub.allow_private_callbacks,
    allowedCallbackNetworks: websub?.allowed_callback_networks ?? D.websub.allowed_callback_networks,
    externalHubs: websub?.external_hubs ?? D.websub.external_hubs,
    subscriptionCaps: {
      perHost: websub?.max_subscriptions_per_host ?? D.websub.max_subscriptions_per_host,
      total: websub?.max_subscriptions ?? D.websub.max_subscriptions,
    },
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
  const retention = filled(defaultRetention, entry.retention);
  const schedule: Schedule =
    entry.schedule !== undefined ? { cron: entry.schedule } : { every: durationMs(entry.every ?? defaultEvery) };
  const common = {
    id: entry.id,
    kind: entry.kind,
    url: resolveSourceUrl(entry.url, configDir),
    schedule,
    categories: entry.categories ?? [],
    enabled: entry.enabled ?? D.source.enabled,
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
        maxArticlesPerPass: entry.max_articles ?? D.htmlArticles.max_articles,
        refresh: entry.refresh ?? D.htmlArticles.refresh,
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
