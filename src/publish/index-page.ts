import type { FeedCatalog } from "./feed-service.js";
import type { FeedLink } from "./feed-list.js";
import { FORMAT_LABELS } from "./feed-list.js";
import { escapeMarkup } from "./html-escape.js";

/**
 * The human front door. Every feed is announced with `<link rel="alternate">` so browsers and
 * readers autodiscover them (RSS Advisory Board "RSS Autodiscovery").
 */
export function renderIndexPage(catalog: FeedCatalog, feeds: readonly FeedLink[], baseUrl: string): string {
  const discovery = feeds
    .map(
      (feed) =>
        `  <link rel="alternate" type="${feed.mediaType}" title="${escapeMarkup(`${feed.title} (${FORMAT_LABELS[feed.format]})`)}" href="${escapeMarkup(feed.url)}">`,
    )
    .join("\n");
  const rows = groupBySlug(feeds)
    .map(
      (group) => `      <tr>
        <th scope="row">${escapeMarkup(group[0]?.title ?? "")}<br><small>${escapeMarkup(group[0]?.description ?? "")}</small></th>
${group.map((feed) => `        <td><a href="${escapeMarkup(feed.url)}">${FORMAT_LABELS[feed.format]}</a></td>`).join("\n")}
      </tr>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="${escapeMarkup(catalog.site.language)}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeMarkup(catalog.site.title)}</title>
${discovery}
  <style>body{font-family:system-ui,sans-serif;max-width:56rem;margin:2rem auto;padding:0 1rem;line-height:1.5}table{border-collapse:collapse;width:100%}th,td{padding:.5rem;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}small{color:#555;font-weight:normal}</style>
</head>
<body>
  <h1>${escapeMarkup(catalog.site.title)}</h1>
  <p>${escapeMarkup(catalog.site.description)}</p>
  <table>
    <thead><tr><th>Feed</th><th colspan="3">Formats</th></tr></thead>
    <tbody>
${rows}
    </tbody>
  </table>
  <p>Options for every feed: <code>?kind=article|ticker</code>, <code>?limit=N</code> (1–500), <code>?page=N</code>; on <code>all</code>, <code>?category=a,b</code>.
  Subscribe to everything at once with <a href="${escapeMarkup(`${baseUrl}/feeds.opml`)}">the OPML list</a>. Service health: <a href="${escapeMarkup(`${baseUrl}/status`)}">status</a>.</p>
</body>
</html>
`;
}

function groupBySlug(feeds: readonly FeedLink[]): FeedLink[][] {
  const groups = new Map<string, FeedLink[]>();
  for (const feed of feeds) groups.set(feed.slug, [...(groups.get(feed.slug) ?? []), feed]);
  return [...groups.values()];
}
