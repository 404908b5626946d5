import type { Logger } from "pino";
import type { Settings } from "../config/settings.js";
import type { ParsePool } from "../sources/parse-pool/parse-pool.js";
import { createRuntime, type ConfigState } from "./runtime.js";
import { createSnapshotWriter } from "./snapshot-writer.js";

/**
 * One collect pass over every enabled source, then the static snapshot. Returns the failures.
 * `parsePool` (closed when done) gives the pass the same time budget per document as `serve`.
 */
export async function collectOnce(
  settings: Settings,
  state: ConfigState,
  logger: Logger,
  parsePool?: ParsePool,
): Promise<number> {
  const runtime = await createRuntime(settings, state, Date.now, logger, {
    ...(parsePool !== undefined && { parsePool }),
  });
  try {
    const results = await runtime.worker.runAll({ force: true });
    const snapshots = createSnapshotWriter(settings.feedsDir, runtime.feeds, runtime.catalog, logger);
    snapshots.request();
    await snapshots.idle();
    const failed = results.filter((result) => !result.ok);
    logger.info(
      {
        sources: results.length,
        failed: failed.map((result) => `${result.sourceId}: ${result.error ?? ""}`),
        inserted: results.reduce((sum, result) => sum + result.inserted, 0),
        updated: results.reduce((sum, result) => sum + result.updated, 0),
      },
      "collect pass done",
    );
    return failed.length;
  } finally {
    await runtime.close();
  }
}
