import type { FeedCatalog } from "./feed-service.js";
import type { FeedLink } from "./feed-list.js";
import { FORMAT_LABELS } from "./feed-list.js";
import { escapeMarkup } from "./html-escape.js";

/**
 * OPML 2.0 (opml.org/spec2): one outline per feed, `type="rss"` for every format as the spec
 * asks of subscription lists; readers import it to subscribe to every category at once.
 */
export function renderOpml(catalog: FeedCatalog, feeds: readonly FeedLink[], baseUrl: string): string {
  const outlines = feeds
    .map(
      (feed) =>
        `    <outline type="rss" text="${escapeMarkup(`${feed.title} (${FORMAT_LABELS[feed.format]})`)}" title="${escapeMarkup(feed.title)}" xmlUrl="${escapeMarkup(feed.url)}" htmlUrl="${escapeMarkup(`${baseUrl}/`)}" description="${escapeMarkup(feed.description)}"/>`,
    )
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head>
    <title>${escapeMarkup(catalog.site.title)}</title>
    <ownerId>${escapeMarkup(`${baseUrl}/`)}</ownerId>
    <docs>http://opml.org/spec2.opml</docs>
  </head>
  <body>
${outlines}
  </body>
</opml>
`;
}
