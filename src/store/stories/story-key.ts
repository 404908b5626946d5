/**
 * Which stored items are one story (DESIGN.md "One story, one item"): those that name the same
 * page. A page is named by its URL without what only says how one got there: the fragment and
 * click-tracking parameters. The same list of tracking parameters as html-articles' listing links
 * (src/sources/html-articles/listing-page.ts), kept here because the store imports no source code.
 */

/** Query parameters that only say where a click came from (Google Analytics, Facebook, Mailchimp). */
const TRACKING_PARAMETER = /^(?:utm_\w+|fbclid|gclid|mc_cid|mc_eid)$/i;

/** The story key of one URL; undefined for what is not a URL (it names no page). */
export function storyKey(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  parsed.hash = "";
  for (const name of [...parsed.searchParams.keys()]) {
    if (TRACKING_PARAMETER.test(name)) parsed.searchParams.delete(name);
  }
  return parsed.href;
}

/**
 * Every key an item is known by: its URL and the other URLs its page was fetched from (an
 * article's listing link, when the page declares another canonical URL), each once. An item
 * without a URL has none and is a story of its own.
 */
export function storyKeysOf(url: string | null | undefined, aliases: readonly string[] = []): string[] {
  const keys = new Set<string>();
  for (const candidate of url == null ? aliases : [url, ...aliases]) {
    const key = storyKey(candidate);
    if (key !== undefined) keys.add(key);
  }
  return [...keys];
}
