import type { Logger } from "pino";
import type { FeedCatalog, FeedService } from "../publish/feed-service.js";
import { snapshotFiles, snapshotVariants } from "../publish/feed-snapshot.js";
import { FORMAT_EXTENSIONS } from "../publish/feed-variant.js";
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
 * Keeps FEEDS_DIR holding what publish/feed-snapshot.ts says a snapshot is, for a static host or
 * CDN: the bytes the server answers with, from the same render cache, written after each change.
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
    const rendered = await Promise.all(snapshotVariants(catalog()).map((variant) => feeds.render(variant)));
    await writeSnapshot(dir, snapshotFiles(rendered), isSnapshotFileName);
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
