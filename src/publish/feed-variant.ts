import type { FeedCursor, FeedFormat, FeedQuery, ItemKind } from "../model/index.js";
import { DEFAULT_LIMIT } from "../model/index.js";
import { encodeCursor } from "./feed-cursor.js";

export const FORMAT_EXTENSIONS: Readonly<Record<FeedFormat, string>> = { rss: "rss", atom: "atom", json: "json" };

/** One published document: which items (query), in which format, under which URL slug. */
export interface FeedVariant {
  /** A category slug, or `all`. */
  readonly slug: string;
  readonly format: FeedFormat;
  readonly query: FeedQuery;
}

/**
 * The canonical query string of a variant: parameters in a fixed order, defaults omitted, so
 * every spelling of the same request shares one cache entry and one self URL.
 */
export function canonicalSearch(variant: FeedVariant): string {
  const params: string[] = [];
  const { categories, kind, limit, page, before } = variant.query;
  if (variant.slug === "all" && categories.length > 0) params.push(`category=${categories.join(",")}`);
  if (kind) params.push(`kind=${kind}`);
  if (limit !== DEFAULT_LIMIT) params.push(`limit=${limit}`);
  if (page > 1) params.push(`page=${page}`);
  if (before) params.push(`before=${encodeCursor(before)}`);
  return params.length > 0 ? `?${params.join("&")}` : "";
}

export function variantUrl(baseUrl: string, variant: FeedVariant): string {
  return `${baseUrl}/feeds/${variant.slug}.${FORMAT_EXTENSIONS[variant.format]}${canonicalSearch(variant)}`;
}

/** The same feed at another position: a page number, or the items after a cursor. */
export function repositioned(
  variant: FeedVariant,
  at: { readonly page: number } | { readonly before: FeedCursor },
): FeedVariant {
  const { before: _dropped, ...rest } = variant.query;
  const query: FeedQuery = "before" in at ? { ...rest, page: 1, before: at.before } : { ...rest, page: at.page };
  return { ...variant, query };
}

/**
 * Whether a variant is a feed's subscription document: its head (RFC 5005 §2: what `first` names,
 * no page or cursor) at the default size. One per feed and format; the only documents that
 * advertise a WebSub hub, and the only topics the hub accepts (issue 9: a topic per `limit` and
 * page multiplied renders and pushes on every change).
 */
export function isSubscriptionDocument(variant: FeedVariant): boolean {
  const { page, before, limit } = variant.query;
  return page === 1 && before === undefined && limit === DEFAULT_LIMIT;
}

/** The subscription document of the feed a variant belongs to. */
export function subscriptionDocument(variant: FeedVariant): FeedVariant {
  const { before: _dropped, ...rest } = variant.query;
  return { ...variant, query: { ...rest, page: 1, limit: DEFAULT_LIMIT } };
}

/** The feed's identity: the same for every format and page of it (Atom `id`, RFC 4287 §4.2.6). */
export function feedIdentity(baseUrl: string, variant: FeedVariant): string {
  const params: string[] = [];
  if (variant.slug === "all" && variant.query.categories.length > 0)
    params.push(`category=${variant.query.categories.join(",")}`);
  if (variant.query.kind) params.push(`kind=${variant.query.kind}`);
  return `${baseUrl}/feeds/${variant.slug}${params.length > 0 ? `?${params.join("&")}` : ""}`;
}

export function cacheKey(variant: FeedVariant): string {
  return `${variant.slug}.${variant.format}${canonicalSearch(variant)}`;
}

export function describeKind(kind: ItemKind | undefined): string {
  if (kind === "ticker") return "latest headlines";
  if (kind === "article") return "articles";
  return "";
}
