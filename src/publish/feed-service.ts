import { createHash } from "node:crypto";
import { promisify } from "node:util";
import { brotliCompress, constants as zlibConstants, gzip } from "node:zlib";
import type { Category, Channel, Clock, EpochMs, FeedQuery, StoredItem } from "../model/index.js";
import { ALL_SLUG } from "../model/index.js";
import { CONTENT_TYPES, RENDERERS } from "./render.js";
import { ANY_CATEGORY_TAG, createRenderCache, type InvalidateOptions, type RenderCache } from "./render-cache.js";
import { feedStylesheetHref } from "./feed-stylesheet.js";
import {
  cacheKey,
  describeKind,
  feedIdentity,
  isSubscriptionDocument,
  repositioned,
  variantUrl,
  type FeedVariant,
} from "./feed-variant.js";

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

export interface SiteInfo {
  readonly title: string;
  readonly description: string;
  readonly language: string;
}

/** What the feeds are made of; replaced as a whole on a config reload. */
export interface FeedCatalog {
  readonly site: SiteInfo;
  readonly categories: readonly Category[];
}

export interface FeedPageData {
  readonly items: readonly StoredItem[];
  readonly hasMore: boolean;
  /** When an item last left this feed, as stored (see FeedPage.departedAt). */
  readonly departedAt?: EpochMs;
}

/** A rendered variant with everything a response needs, computed once per store change. */
export interface RenderedFeed {
  readonly variant: FeedVariant;
  readonly contentType: string;
  readonly identity: Buffer;
  readonly gzip: Buffer;
  readonly brotli: Buffer;
  /** Strong validators, one per content coding (RFC 9110 §8.8.3: they are distinct representations). */
  readonly etags: { readonly identity: string; readonly gzip: string; readonly brotli: string };
  /** Newest item change in this feed, or departure from it; undefined when neither exists. */
  readonly lastModified?: EpochMs | undefined;
  readonly selfUrl: string;
  readonly hubs: readonly string[];
  readonly paging: NonNullable<Channel["paging"]>;
  readonly itemCount: number;
}

export interface FeedServiceDeps {
  readonly baseUrl: string;
  readonly catalog: () => FeedCatalog;
  readonly loadPage: (query: FeedQuery) => Promise<FeedPageData>;
  readonly hubs: () => readonly string[];
  readonly ttlMinutes: () => number | undefined;
  readonly generator: string;
  /** Times how long a variant has been stale (render-cache.ts: served stale at most a second). */
  readonly clock: Clock;
  /** A re-render in the background failed: the stale bytes are served until the bound, then requests render. */
  readonly onBackgroundError?: (variantKey: string, error: unknown) => void;
}

export interface FeedService {
  /**
   * The cached rendering, if present (no I/O): the hot path. It may be up to a second stale after
   * a change, while its re-render runs in the background (render-cache.ts).
   */
  cached(variant: FeedVariant): RenderedFeed | undefined;
  /** What the store holds now: cached if fresh, else rendered (the hub and the snapshot need this). */
  render(variant: FeedVariant): Promise<RenderedFeed>;
  /** The store changed for these categories: their variants are stale (see InvalidateOptions). */
  invalidate(categories: readonly string[], options?: InvalidateOptions): void;
  /** The catalog changed (a config reload): every variant renders anew before it is served. */
  invalidateAll(): void;
  readonly cache: RenderCache<RenderedFeed>;
}

export function createFeedService(deps: FeedServiceDeps): FeedService {
  const cache = createRenderCache<RenderedFeed>({
    clock: deps.clock,
    ...(deps.onBackgroundError && { onBackgroundError: deps.onBackgroundError }),
  });
  // A variant is immutable, and the responder keeps one per URL (feed-responder.ts): its key is
  // built once, not on every poll.
  const keys = new WeakMap<FeedVariant, string>();
  const keyOf = (variant: FeedVariant): string => {
    let key = keys.get(variant);
    if (key === undefined) keys.set(variant, (key = cacheKey(variant)));
    return key;
  };
  return {
    cache,
    cached: (variant) => cache.peek(keyOf(variant)),
    render: (variant) => cache.get(keyOf(variant), dependencyTags(variant), () => renderVariant(variant, deps)),
    invalidate: (categories, options) => cache.invalidate(categories, options),
    invalidateAll: () => cache.invalidateAll({ serveStale: false }),
  };
}

/** The categories a variant's content depends on: its own, or any category for `all`. */
function dependencyTags(variant: FeedVariant): string[] {
  if (variant.slug === ALL_SLUG && variant.query.categories.length === 0) return [ANY_CATEGORY_TAG];
  return variant.slug === ALL_SLUG ? [...variant.query.categories] : [variant.slug];
}

async function renderVariant(variant: FeedVariant, deps: FeedServiceDeps): Promise<RenderedFeed> {
  const page = await deps.loadPage(variant.query);
  const channel = buildChannel(variant, page, deps);
  const text = RENDERERS[variant.format](channel, page.items);
  const identity = Buffer.from(text, "utf8");
  const [gzipped, brotli] = await Promise.all([
    gzipAsync(identity, { level: 6 }),
    brotliAsync(identity, {
      params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 5, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: identity.length },
    }),
  ]);
  const hash = createHash("sha256").update(identity).digest("base64url").slice(0, 27);
  return {
    variant,
    contentType: CONTENT_TYPES[variant.format],
    identity,
    gzip: gzipped,
    brotli,
    etags: { identity: `"${hash}"`, gzip: `"${hash}-gz"`, brotli: `"${hash}-br"` },
    lastModified: lastModified(page),
    selfUrl: channel.selfUrl,
    hubs: channel.hubs,
    paging: channel.paging ?? {},
    itemCount: page.items.length,
  };
}

function buildChannel(variant: FeedVariant, page: FeedPageData, deps: FeedServiceDeps): Channel {
  const { site, categories } = deps.catalog();
  const chosen = variant.slug === ALL_SLUG ? variant.query.categories : [variant.slug];
  const named = chosen.map((slug) => categories.find((category) => category.slug === slug));
  const titles = named.map((category, i) => category?.title ?? chosen[i] ?? "");
  const kindLabel = describeKind(variant.query.kind);
  const scope = titles.length > 0 ? titles.join(" + ") : "All news";
  const description = named.length === 1 && named[0] ? named[0].description : `${scope} from ${site.title}`;
  return {
    title: `${site.title}: ${scope}${kindLabel ? ` (${kindLabel})` : ""}`,
    description: kindLabel ? `${description} (${kindLabel})` : description,
    homePageUrl: `${deps.baseUrl}/`,
    selfUrl: variantUrl(deps.baseUrl, variant),
    id: feedIdentity(deps.baseUrl, variant),
    language: site.language,
    updated: newestUpdate(page.items),
    generator: deps.generator,
    ttlMinutes: deps.ttlMinutes(),
    // WebSub §4: a hub link says "subscribe to my rel=self here"; only subscription documents can be.
    hubs: isSubscriptionDocument(variant) ? deps.hubs() : [],
    paging: pagingLinks(variant, page, deps.baseUrl),
    stylesheetHref: feedStylesheetHref(deps.baseUrl),
    categories: titles,
  };
}

/**
 * RFC 5005 §3 paging links. `next` always continues from the last item shown (a `before`
 * cursor), never from a page number: new items arriving between two fetches would shift numbered
 * pages and show the reader an item twice. `previous` exists only for numbered pages; a cursor page
 * cannot know its predecessor, and RFC 5005 makes every paging link optional.
 */
function pagingLinks(variant: FeedVariant, page: FeedPageData, baseUrl: string): NonNullable<Channel["paging"]> {
  const { page: number, before } = variant.query;
  const last = page.items.at(-1);
  return {
    first: variantUrl(baseUrl, repositioned(variant, { page: 1 })),
    current: variantUrl(baseUrl, variant),
    ...(number > 1 && before === undefined
      ? { previous: variantUrl(baseUrl, repositioned(variant, { page: number - 1 })) }
      : {}),
    ...(page.hasMore && last
      ? { next: variantUrl(baseUrl, repositioned(variant, { before: { published: last.published, id: last.id } })) }
      : {}),
  };
}

function newestUpdate(items: readonly StoredItem[]): EpochMs | undefined {
  return items.reduce<EpochMs | undefined>(
    (newest, item) => (newest === undefined || item.updated > newest ? item.updated : newest),
    undefined,
  );
}

/**
 * When the representation last changed (RFC 9110 §8.8.2): an item arriving or changing, or one
 * leaving. Both come from the store, so every instance sends the same value.
 */
function lastModified(page: FeedPageData): EpochMs | undefined {
  const changed = newestChange(page.items);
  if (page.departedAt === undefined) return changed;
  return changed === undefined ? page.departedAt : Math.max(changed, page.departedAt);
}

function newestChange(items: readonly StoredItem[]): EpochMs | undefined {
  return items.reduce<EpochMs | undefined>(
    (newest, item) => (newest === undefined || item.changedAt > newest ? item.changedAt : newest),
    undefined,
  );
}
