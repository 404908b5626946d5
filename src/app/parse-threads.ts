import type { Logger } from "pino";
import type { Config } from "../config/config.js";
import {
  createParsePool,
  defaultParseThreads,
  PARSE_QUEUE_MAX,
  PARSE_THREAD_ENTRY,
  type ParsePool,
} from "../sources/parse-pool/parse-pool.js";

/**
 * The parse pool `serve` and `collect` read upstream documents on (issue 9 point 1), sized by
 * `worker.parse_threads`. `entry` is the thread's script: dist's, unless a test compiled its own.
 * The caller owns the pool: runtime.close() closes the one it was given.
 */
export function startParsePool(config: Config, logger: Logger, entry: URL = PARSE_THREAD_ENTRY): ParsePool {
  const threads = config.worker.parseThreads ?? defaultParseThreads();
  logger.debug({ threads, budgetMs: config.worker.parseBudgetMs }, "parse pool ready");
  return createParsePool({
    threads,
    maxQueue: PARSE_QUEUE_MAX,
    budgetMs: config.worker.parseBudgetMs,
    entry,
    logger: logger.child({ module: "parse-pool" }),
  });
}
