import type { FeedCursor, FeedFormat, ItemKind } from "../model/index.js";
import { ALL_SLUG, DEFAULT_LIMIT, ITEM_KINDS, MAX_LIMIT } from "../model/index.js";
import type { FeedVariant } from "../publish/feed-variant.js";
import { FORMAT_EXTENSIONS } from "../publish/feed-variant.js";
import { decodeCursor } from "../publish/feed-cursor.js";
import { HttpProblem } from "./problem.js";

const FEED_PATH = /^\/feeds\/([^/.]+)\.([a-z]+)$/;
const FORMAT_BY_EXTENSION = new Map<string, FeedFormat>(
  Object.entries(FORMAT_EXTENSIONS).map(([format, extension]) => [extension, format as FeedFormat]),
);
/** Paging deeper than this is not a reader, it is a crawler walking the whole store. */
const MAX_PAGE = 10_000;

/**
 * Turns `/feeds/{slug}.{ext}?…` into a validated variant. An unknown feed is a 404 listing what
 * exists; a bad parameter is a 400 naming it. Unknown parameters (cache busters) are ignored.
 */
export function parseFeedRequest(
  pathname: string,
  search: URLSearchParams,
  categorySlugs: readonly string[],
): FeedVariant {
  const match = FEED_PATH.exec(pathname);
  const slug = match?.[1] ?? "";
  const format = FORMAT_BY_EXTENSION.get(match?.[2] ?? "");
  const known = [...categorySlugs, ALL_SLUG];
  if (!match || !format || !known.includes(slug)) {
    throw new HttpProblem(404, "Feed not found", `There is no feed at ${pathname}.`, {
      feeds: known.flatMap((name) => [...FORMAT_BY_EXTENSION.keys()].map((extension) => `/feeds/${name}.${extension}`)),
    });
  }
  return {
    slug,
    format,
    query: {
      categories: slug === ALL_SLUG ? parseCategories(search, categorySlugs) : rejectCategories(search, slug),
      kind: parseKind(search),
      limit: parseInteger(search, "limit", 1, MAX_LIMIT) ?? DEFAULT_LIMIT,
      ...parsePosition(search),
    },
  };
}

function single(search: URLSearchParams, name: string): string | undefined {
  const values = search.getAll(name);
  if (values.length > 1) throw badParameter(name, `"${name}" may be given once.`);
  return values[0];
}

function parseCategories(search: URLSearchParams, categorySlugs: readonly string[]): string[] {
  const raw = single(search, "category");
  if (raw === undefined) return [];
  const wanted = [
    ...new Set(
      raw
        .split(",")
        .map((part) => part.trim())
        .filter((part) => part.length > 0),
    ),
  ].sort();
  const unknown = wanted.filter((slug) => !categorySlugs.includes(slug));
  if (wanted.length === 0 || unknown.length > 0) {
    throw badParameter(
      "category",
      `Unknown category ${unknown.map((slug) => `"${slug}"`).join(", ") || "(empty)"}; use a comma-separated list of: ${categorySlugs.join(", ")}.`,
      { allowed: categorySlugs },
    );
  }
  return wanted;
}

function rejectCategories(search: URLSearchParams, slug: string): string[] {
  if (search.has("category")) {
    throw badParameter(
      "category",
      `"category" selects categories on /feeds/all.*; /feeds/${slug}.* is already one category.`,
    );
  }
  return [slug];
}

function parseKind(search: URLSearchParams): ItemKind | undefined {
  const raw = single(search, "kind");
  if (raw === undefined) return undefined;
  if (!(ITEM_KINDS as readonly string[]).includes(raw)) {
    throw badParameter("kind", `"kind" must be one of ${ITEM_KINDS.join(", ")}.`, { allowed: ITEM_KINDS });
  }
  return raw as ItemKind;
}

/** `page=N` (a numbered page) or `before=…` (the cursor of a `next` link), not both. */
function parsePosition(search: URLSearchParams): { page: number; before?: FeedCursor } {
  const page = parseInteger(search, "page", 1, MAX_PAGE);
  const raw = single(search, "before");
  if (raw === undefined) return { page: page ?? 1 };
  if (page !== undefined)
    throw badParameter("before", `"before" and "page" cannot be combined; follow the feed's "next" link.`);
  const before = decodeCursor(raw);
  if (!before)
    throw badParameter(
      "before",
      `"before" must be the cursor of a "next" link, like 1764500000000_aHR0cHM6Ly9leGFtcGxlLm9yZy8; got "${raw.slice(0, 80)}".`,
    );
  return { page: 1, before };
}

function parseInteger(search: URLSearchParams, name: string, min: number, max: number): number | undefined {
  const raw = single(search, name);
  if (raw === undefined) return undefined;
  const value = /^\d{1,6}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw badParameter(name, `"${name}" must be a whole number from ${min} to ${max}; got "${raw}".`);
  }
  return value;
}

function badParameter(name: string, detail: string, extra: Record<string, unknown> = {}): HttpProblem {
  return new HttpProblem(400, "Bad request parameter", detail, { parameter: name, ...extra });
}
