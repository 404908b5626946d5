/**
 * Which stored items are one story (docs/ARCHITECTURE.md "One story, one item"): those that name the same
 * page, and items of different sources that carry the same headline within a few days. A page is
 * named by its URL without what only says how one got there: the fragment and click-tracking
 * parameters (urls/tracking.ts). A headline names a story when it is specific enough (at least
 * {@link MIN_TITLE_WORDS} words, so "News in brief" never merges), compared without case, accents
 * and punctuation: an unlinked ticker line and the article with its headline, or two outlets
 * running one wire story, are one story. Within one source the same headline twice is a recurring
 * column or a re-post, so it never merges by headline alone.
 */
import type { EpochMs } from "../../model/index.js";
import { withoutTrackingParameters } from "../../urls/tracking.js";

/** Fewest words a headline needs to identify a story on its own. */
export const MIN_TITLE_WORDS = 6;

/** How many days apart two items with one headline may be and still be one story. */
export const TITLE_WINDOW_DAYS = 2;

const DAY_MS = 86_400_000;

/** The story key of one URL; undefined for what is not a URL (it names no page). */
export function storyKey(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  parsed.hash = "";
  return withoutTrackingParameters(parsed).href;
}

/**
 * Every key an item is known by: its URL and the other URLs its page was fetched from (an
 * article's listing link, when the page declares another canonical URL), and the site's opaque id
 * of the page where its URL ends in one, each once. An item without a URL has none and is a story
 * of its own.
 */
export function storyKeysOf(url: string | null | undefined, aliases: readonly string[] = []): string[] {
  const keys = new Set<string>();
  for (const candidate of url == null ? aliases : [url, ...aliases]) {
    const key = storyKey(candidate);
    if (key === undefined) continue;
    keys.add(key);
    const id = pageIdKey(key);
    if (id !== undefined) keys.add(id);
  }
  return [...keys];
}

/**
 * A final path segment of ten or more capitals and digits (with a letter) is the site's id of
 * the page, and the words before it only a slug that may change: en.walaw.press serves one
 * article at /articles/<slug>/GMWGWQXSMFXM and /article/GMWGWQXSMFXM. The key is that id on its
 * host (www. aside).
 */
const PAGE_ID = /^(?=[A-Z0-9]*[A-Z])[A-Z0-9]{10,}$/;

function pageIdKey(key: string): string | undefined {
  const url = new URL(key);
  const last = url.pathname
    .split("/")
    .filter((segment) => segment !== "")
    .at(-1);
  if (last === undefined || !PAGE_ID.test(last)) return undefined;
  return `id:${url.hostname.replace(/^www\./, "")}/${last}`;
}

/** What names an item's story: its page's URLs, its headline, its date and its source. */
export interface StoryNaming {
  readonly url: string | null | undefined;
  readonly aliases: readonly string[];
  readonly title: string;
  readonly published: EpochMs;
  readonly sourceId: string;
}

/** An item stored for the first time in this transaction, with what names its page. */
export interface JoiningItem extends StoryNaming {
  readonly id: string;
}

/** A key looked up but not registered; no probe counts when any probe's `unless` is known. */
export interface StoryProbe {
  readonly key: string;
  readonly unless: string;
}

/**
 * An item's keys: its URL keys (looked up and registered), its headline on its UTC day, once for
 * any source and once for its own (registered only), and the headline keys it looks for on the
 * {@link TITLE_WINDOW_DAYS} days around, none of which counts if its own source used the headline
 * on any of those days.
 */
export function storyNamesOf(naming: StoryNaming): { keys: string[]; registers: string[]; probes: StoryProbe[] } {
  const keys = storyKeysOf(naming.url, naming.aliases);
  const headline = headlineOf(naming.title);
  if (headline === undefined) return { keys, registers: [], probes: [] };
  const day = Math.floor(naming.published / DAY_MS);
  const probes: StoryProbe[] = [];
  for (let delta = -TITLE_WINDOW_DAYS; delta <= TITLE_WINDOW_DAYS; delta++) {
    probes.push({ key: titleKey(headline, day + delta), unless: titleKey(headline, day + delta, naming.sourceId) });
  }
  return { keys, registers: [titleKey(headline, day), titleKey(headline, day, naming.sourceId)], probes };
}

/** The headline as compared: lower case, no accents or punctuation; undefined when too short to name a story. */
export function headlineOf(title: string): string | undefined {
  const words = title
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .match(/[\p{L}\p{N}]+/gu);
  return words !== null && words.length >= MIN_TITLE_WORDS ? words.join(" ") : undefined;
}

function titleKey(headline: string, day: number, sourceId?: string): string {
  return sourceId === undefined ? `title:${day}:${headline}` : `title:${day}:${JSON.stringify(sourceId)}:${headline}`;
}
