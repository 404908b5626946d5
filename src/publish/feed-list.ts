import type { FeedFormat } from "../model/index.js";
import { ALL_SLUG, FEED_FORMATS } from "../model/index.js";
import type { FeedCatalog } from "./feed-service.js";
import { FORMAT_EXTENSIONS } from "./feed-variant.js";
import { CONTENT_TYPES } from "./render.js";

/** One subscribable feed URL, as listed on the index page and in OPML. */
export interface FeedLink {
  readonly slug: string;
  readonly title: string;
  readonly description: string;
  readonly format: FeedFormat;
  readonly url: string;
  readonly mediaType: string;
}

export const FORMAT_LABELS: Readonly<Record<FeedFormat, string>> = {
  rss: "RSS 2.0",
  atom: "Atom 1.0",
  json: "JSON Feed 1.1",
};

/** Every category feed plus `all`, in every format. */
export function listFeeds(catalog: FeedCatalog, baseUrl: string): FeedLink[] {
  const entries = [
    ...catalog.categories.map((category) => ({
      slug: category.slug,
      title: category.title,
      description: category.description,
    })),
    { slug: ALL_SLUG, title: "All news", description: `Every item from ${catalog.site.title}` },
  ];
  return entries.flatMap((entry) =>
    FEED_FORMATS.map((format) => ({
      ...entry,
      format,
      url: `${baseUrl}/feeds/${entry.slug}.${FORMAT_EXTENSIONS[format]}`,
      mediaType: CONTENT_TYPES[format].split(";")[0] ?? CONTENT_TYPES[format],
    })),
  );
}
