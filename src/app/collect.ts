import type { Logger } from "pino";
import type { Settings } from "../config/settings.js";
import type { ParsePool } from "../sources/parse-pool/parse-pool.js";
import type { SourceRunResult } from "../worker/collect-source.js";
import { createRuntime, type ConfigState, type RunProgress } from "./runtime.js";
import { createSnapshotWriter } from "./snapshot-writer.js";

export interface CollectOptions {
  /** Draws each source's run on a terminal. */
  readonly progress?: RunProgress;
  /** Closed when done: gives the pass the same time budget per document as `serve`. */
  readonly parsePool?: ParsePool;
}

/** One collect pass over every enabled source, then the static snapshot. Returns each source's result. */
export async function collectOnce(
  settings: Settings,
  state: ConfigState,
  logger: Logger,
  options: CollectOptions = {},
): Promise<readonly SourceRunResult[]> {
  const runtime = await createRuntime(settings, state, Date.now, logger, options);
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
    return results;
  } finally {
    await runtime.close();
  }
}
