import type { Logger } from "pino";
import { ALL_SLUG, DEFAULT_LIMIT, FEED_FORMATS } from "../model/index.js";
import type { FeedCatalog, FeedService } from "../publish/feed-service.js";
import { FEED_STYLESHEET, FEED_STYLESHEET_FILE } from "../publish/feed-stylesheet.js";
import { FORMAT_EXTENSIONS, type FeedVariant } from "../publish/feed-variant.js";
import { writeSnapshot } from "./snapshot-files.js";
import { SLUG_PATTERN } from "../config/schema.js";
import { describeError } from "../shared/describe-error.js";

const SNAPSHOT_NAME = new RegExp(
  `^${SLUG_PATTERN.source.replace(/^\^|\$$/g, "")}\\.(?:${Object.values(FORMAT_EXTENSIONS).join("|")})$`,
);

/** A name this writer makes: a category slug (or `all`) and a feed format's extension. */
export function isSnapshotFileName(name: string): boolean {
  return SNAPSHOT_NAME.test(name);
}

export interface SnapshotWriter {
  /** Ask for a fresh snapshot; requests that arrive while one is written coalesce into one more. */
  request(): void;
  /** Resolves when no snapshot is being written or pending. */
  idle(): Promise<void>;
}

/**
 * Keeps FEEDS_DIR holding the default variant of every category feed (and `all`) in every
 * format, for a static host or CDN. The bytes are the same the server answers with, from the
 * same render cache. The feeds name `/feed.xsl` (publish/feed-stylesheet.ts), so the stylesheet
 * goes beside them: a person opening a feed from the static host sees the readable page too.
 */
export function createSnapshotWriter(
  dir: string,
  feeds: FeedService,
  catalog: () => FeedCatalog,
  logger: Logger,
): SnapshotWriter {
  let running: Promise<void> | undefined;
  let again = false;

  async function writeAll(): Promise<void> {
    const slugs = [...catalog().categories.map((category) => category.slug), ALL_SLUG];
    const variants: FeedVariant[] = slugs.flatMap((slug) =>
      FEED_FORMATS.map((format) => ({
        slug,
        format,
        query: { categories: slug === ALL_SLUG ? [] : [slug], limit: DEFAULT_LIMIT, page: 1 },
      })),
    );
    const rendered = await Promise.all(variants.map((variant) => feeds.render(variant)));
    await writeSnapshot(
      dir,
      [
        ...rendered.map((feed) => ({
          name: `${feed.variant.slug}.${FORMAT_EXTENSIONS[feed.variant.format]}`,
          body: feed.identity,
        })),
        { name: FEED_STYLESHEET_FILE, body: Buffer.from(FEED_STYLESHEET, "utf8") },
      ],
      isSnapshotFileName,
    );
    logger.debug({ dir, files: rendered.length }, "feed snapshot written");
  }

  function loop(): Promise<void> {
    again = false;
    return writeAll()
      .catch((error: unknown) => logger.error({ dir, err: describeError(error) }, "could not write the feed snapshot"))
      .then(() => (again ? loop() : undefined));
  }

  return {
    request() {
      if (running) {
        again = true;
        return;
      }
      running = loop().finally(() => {
        running = undefined;
      });
    },
    idle: () => running ?? Promise.resolve(),
  };
}
