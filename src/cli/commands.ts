import pino, { type Logger } from "pino";
import { formatProblem, loadConfig, type ConfigProblem } from "../config/config.js";
import { readSettings, type Settings } from "../config/settings.js";
import { collectOnce } from "./collect.js";
import { startParsePool } from "./parse-threads.js";
import { startService } from "./service.js";
import type { ConfigState } from "./runtime.js";

type Env = Readonly<Record<string, string | undefined>>;

/** `check-config`: every problem with file:line, exit 1 on any error. */
export async function checkConfigCommand(env: Env): Promise<number> {
  const settings = readSettings(env);
  const result = await loadConfig(settings.configDir);
  if (!result.ok) {
    printProblems(result.problems);
    console.error(`config: ${countErrors(result.problems)} error(s); the config is not valid`);
    return 1;
  }
  printProblems(result.warnings);
  console.log(
    `config: OK — ${result.config.sources.length} sources, ${result.config.categories.length} categories (${settings.configDir})`,
  );
  return 0;
}

/** `collect`: one pass over every enabled source, then exit; non-zero on an invalid config. */
export async function collectCommand(env: Env): Promise<number> {
  const settings = readSettings(env);
  const logger = createLogger(settings);
  const state = await loadConfigState(settings, logger);
  if (!state) return 1;
  const failed = await collectOnce(settings, state, logger, startParsePool(state.config, logger));
  return failed === state.config.sources.filter((source) => source.enabled).length && failed > 0 ? 2 : 0;
}

/** `serve`: worker and server until SIGTERM/SIGINT. */
export async function serveCommand(env: Env): Promise<number> {
  const settings = readSettings(env);
  const logger = createLogger(settings);
  const state = await loadConfigState(settings, logger);
  if (!state) return 1;
  const service = await startService(settings, state, {
    clock: Date.now,
    logger,
    runWorker: true,
    parsePool: startParsePool(state.config, logger),
  });
  await new Promise<void>((resolve) => {
    const shutdown = (signal: string): void => {
      logger.info({ signal }, "shutdown requested");
      service.stop().then(resolve, (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        resolve();
      });
    };
    process.once("SIGTERM", () => shutdown("SIGTERM"));
    process.once("SIGINT", () => shutdown("SIGINT"));
    process.on("SIGHUP", () => void service.reloader.reload("SIGHUP"));
  });
  return 0;
}

async function loadConfigState(settings: Settings, logger: Logger): Promise<ConfigState | undefined> {
  const result = await loadConfig(settings.configDir);
  if (!result.ok) {
    printProblems(result.problems);
    logger.error({ errors: countErrors(result.problems) }, "config is not valid; run `npm run check-config`");
    return undefined;
  }
  for (const warning of result.warnings) logger.warn({ problem: formatProblem(warning) }, "config warning");
  return { config: result.config, loadedAt: Date.now(), warnings: result.warnings };
}

function createLogger(settings: Settings): Logger {
  return pino({ level: settings.logLevel, base: { service: "news-feed-publisher" } });
}

function printProblems(problems: readonly ConfigProblem[]): void {
  for (const problem of problems) console.error(formatProblem(problem));
}

function countErrors(problems: readonly ConfigProblem[]): number {
  return problems.filter((problem) => problem.severity === "error").length;
}
