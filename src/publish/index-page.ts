import type { StoredItem } from "../model/index.js";
import type { FeedCatalog } from "./feed-service.js";
import type { FeedLink } from "./feed-list.js";
import { FORMAT_LABELS } from "./feed-list.js";
import { escapeMarkup } from "./html-escape.js";
import { RELATIVE_TIME_SCRIPT, timeElement } from "./page-time.js";
import { httpUrl } from "./urls.js";

/** How many of each feed's newest stories the index shows: enough to judge a feed before subscribing. */
export const INDEX_HEADLINES = 5;

/**
 * The human front door: the site description, then a card per feed with its newest headlines and
 * the formats to subscribe to. Every feed is also announced with `<link rel="alternate">` so
 * browsers and readers autodiscover them (RSS Advisory Board "RSS Autodiscovery"). `headlines`
 * maps a feed slug to its newest stories, newest first.
 */
export function renderIndexPage(
  catalog: FeedCatalog,
  feeds: readonly FeedLink[],
  baseUrl: string,
  headlines: ReadonlyMap<string, readonly StoredItem[]> = new Map(),
): string {
  const discovery = feeds
    .map(
      (feed) =>
        `  <link rel="alternate" type="${feed.mediaType}" title="${escapeMarkup(`${feed.title} (${FORMAT_LABELS[feed.format]})`)}" href="${escapeMarkup(feed.url)}">`,
    )
    .join("\n");
  const cards = groupBySlug(feeds)
    .map((group) => feedCard(group, headlines.get(group[0]?.slug ?? "") ?? []))
    .join("\n");
  return `<!doctype html>
<html lang="${escapeMarkup(catalog.site.language)}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeMarkup(catalog.site.title)}</title>
${discovery}
  <style>${STYLE}</style>
</head>
<body>
  <h1>${escapeMarkup(catalog.site.title)}</h1>
  <p class="lead">${escapeMarkup(catalog.site.description)}</p>
  <p class="how">Follow a feed by copying one of its format links into a feed reader; Atom or RSS suit most readers. To follow every feed at once, import <a href="${escapeMarkup(`${baseUrl}/feeds.opml`)}">the OPML list</a>.</p>
  <div class="cards">
${cards}
  </div>
  <p class="options">Options for every feed: <code>?kind=article|ticker</code>, <code>?limit=N</code> (1–500), <code>?page=N</code>; on <code>all</code>, <code>?category=a,b</code>. Service health: <a href="${escapeMarkup(`${baseUrl}/status`)}">status</a>.</p>
${RELATIVE_TIME_SCRIPT}
</body>
</html>
`;
}

function feedCard(group: readonly FeedLink[], items: readonly StoredItem[]): string {
  const first = group[0];
  if (first === undefined) return "";
  const list =
    items.length === 0
      ? `<p class="empty">No stories yet.</p>`
      : `<ol class="headlines">${items.map(headline).join("")}</ol>`;
  return `    <section class="card" id="feed-${escapeMarkup(first.slug)}">
      <h2>${escapeMarkup(first.title)}</h2>
      <p class="description">${escapeMarkup(first.description)}</p>
      ${list}
      <p class="formats">Subscribe: ${group.map((feed) => `<a href="${escapeMarkup(feed.url)}" type="${feed.mediaType}">${FORMAT_LABELS[feed.format]}</a>`).join(" · ")}</p>
    </section>`;
}

function headline(item: StoredItem): string {
  const url = httpUrl(item.url);
  const title = escapeMarkup(item.title);
  return `<li>${url === undefined ? title : `<a href="${escapeMarkup(url)}">${title}</a>`} ${timeElement(new Date(item.published).toISOString())}</li>`;
}

function groupBySlug(feeds: readonly FeedLink[]): FeedLink[][] {
  const groups = new Map<string, FeedLink[]>();
  for (const feed of feeds) groups.set(feed.slug, [...(groups.get(feed.slug) ?? []), feed]);
  return [...groups.values()];
}

const STYLE = [
  "body{font-family:system-ui,sans-serif;max-width:64rem;margin:0 auto;padding:1rem;line-height:1.5;color:#222}",
  "body,li,p,code{overflow-wrap:anywhere}.lead{font-size:1.15rem}.how,.options{color:#444}",
  ".cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,19rem),1fr));gap:1rem}",
  ".card{border:1px solid #ddd;border-radius:.5rem;padding:.75rem 1rem;min-width:0}.card h2{margin:0;font-size:1.2rem}",
  ".description{color:#555;margin:.25rem 0}.headlines{padding-left:1.25rem;margin:.5rem 0}.headlines li{margin:.35rem 0}",
  "time{color:#666;font-size:.85rem;white-space:nowrap}.formats{margin:.5rem 0 0;font-size:.95rem}.empty{color:#777}",
  "a{color:#0645ad}",
].join("");
