import type { Logger } from "pino";
import { formatProblem, loadConfig, type ConfigProblem } from "../config/config.js";
import type { Settings } from "../config/settings.js";
import type { ConfigState } from "./runtime.js";

/** Loads CONFIG_DIR for a command; prints every problem and resolves undefined when it is not valid. */
export async function loadConfigState(settings: Settings, logger: Logger): Promise<ConfigState | undefined> {
  const result = await loadConfig(settings.configDir);
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
