import type { Logger } from "pino";
import { formatProblem, loadConfig, type ConfigProblem } from "../config/config.js";
import type { Settings } from "../config/settings.js";
import { readProduct } from "./product.js";
import type { ConfigState } from "./runtime.js";

/** Loads CONFIG_DIR for a command; prints every problem and resolves undefined when it is not valid. */
export async function loadConfigState(settings: Settings, logger: Logger): Promise<ConfigState | undefined> {
  const result = await loadConfig(settings.configDir, await readProduct());
  if (!result.ok) {
    printProblems(result.problems);
    logger.error({ errors: countErrors(result.problems) }, "config is not valid; run `feed-publisher check-config`");
    return undefined;
  }
  for (const warning of result.warnings) logger.warn({ problem: formatProblem(warning) }, "config warning");
  return { config: result.config, loadedAt: Date.now(), warnings: result.warnings };
}

export function printProblems(problems: readonly ConfigProblem[]): void {
  for (const problem of problems) console.error(formatProblem(problem));
}

export function countErrors(problems: readonly ConfigProblem[]): number {
  return problems.filter((problem) => problem.severity === "error").length;
}

/**
 * Feeds, OPML and the FEEDS_DIR snapshot build their links from BASE_URL; `collect` writes the
 * same snapshot files the server does, so both must use the deployment's origin. Unset, links point
 * at localhost: say so where the operator looks.
 */
export function warnIfBaseUrlDefaulted(settings: Settings, logger: Logger): void {
  if (settings.baseUrlDefaulted !== true) return;
  logger.warn(
    { baseUrl: settings.baseUrl },
    "BASE_URL is not set: links in feeds and in the FEEDS_DIR snapshot point at this localhost default; set BASE_URL to the public origin, the same for serve and collect",
  );
}
