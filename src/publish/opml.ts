import type { FeedFormat } from "../model/index.js";
import type { FeedCatalog } from "./feed-service.js";
import type { FeedLink } from "./feed-list.js";
import { escapeMarkup } from "./html-escape.js";
import { feedStylesheetHref } from "./feed-stylesheet.js";
import { stylesheetInstruction } from "./xml.js";

/** The format an OPML list subscribes to unless `?format=` asks for another: Atom has ids and dates every reader keeps. */
export const DEFAULT_OPML_FORMAT: FeedFormat = "atom";

/**
 * OPML 2.0 (opml.org/spec2): one outline per category and one for `all`, each in one format, with
 * `type="rss"` for every format as the spec asks of subscription lists. Importing it subscribes
 * to each feed once: listing every format made a reader fetch each story three times.
 */
export function renderOpml(
  catalog: FeedCatalog,
  feeds: readonly FeedLink[],
  baseUrl: string,
  format: FeedFormat = DEFAULT_OPML_FORMAT,
): string {
  const outlines = feeds
    .filter((feed) => feed.format === format)
    .map(
      (feed) =>
        `    <outline type="rss" text="${escapeMarkup(feed.title)}" title="${escapeMarkup(feed.title)}" xmlUrl="${escapeMarkup(feed.url)}" htmlUrl="${escapeMarkup(`${baseUrl}/`)}" description="${escapeMarkup(feed.description)}"/>`,
    )
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>
${stylesheetInstruction(feedStylesheetHref(baseUrl))}
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
