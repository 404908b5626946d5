/**
 * What the FEEDS_DIR snapshot holds, pure (app/snapshot-writer.ts writes it): the default variant
 * of every category feed and `all` in every format, and the stylesheet those feeds name.
 */
import { ALL_SLUG, DEFAULT_LIMIT, FEED_FORMATS } from "../model/index.js";
import type { FeedCatalog, RenderedFeed } from "./feed-service.js";
import { FEED_STYLESHEET, FEED_STYLESHEET_FILE } from "./feed-stylesheet.js";
import { FORMAT_EXTENSIONS, type FeedVariant } from "./feed-variant.js";

export interface SnapshotFile {
  /** File name inside the snapshot directory, e.g. `world.rss`. */
  readonly name: string;
  readonly body: Buffer;
}

/** The feeds a snapshot holds: each category and `all`, first page, default size, every format. */
export function snapshotVariants(catalog: FeedCatalog): FeedVariant[] {
  const slugs = [...catalog.categories.map((category) => category.slug), ALL_SLUG];
  return slugs.flatMap((slug) =>
    FEED_FORMATS.map((format) => ({
      slug,
      format,
      query: { categories: slug === ALL_SLUG ? [] : [slug], limit: DEFAULT_LIMIT, page: 1 },
    })),
  );
}

/**
 * The files for those feeds as rendered: the bytes the server answers with, named
 * `<slug>.<extension>`, and `feed.xsl` beside them, since the feeds name it.
 */
export function snapshotFiles(rendered: readonly RenderedFeed[]): SnapshotFile[] {
  return [
    ...rendered.map((feed) => ({
      name: `${feed.variant.slug}.${FORMAT_EXTENSIONS[feed.variant.format]}`,
      body: feed.identity,
    })),
    { name: FEED_STYLESHEET_FILE, body: Buffer.from(FEED_STYLESHEET, "utf8") },
  ];
}
