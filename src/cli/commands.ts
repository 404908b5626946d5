import { readSettings } from "../config/settings.js";
import { loadConfigState, warnIfBaseUrlDefaulted } from "../app/config-state.js";
import { createLogger } from "../app/logger.js";
import { startParsePool } from "../app/parse-threads.js";
import { startService } from "../app/service.js";

type Env = Readonly<Record<string, string | undefined>>;

/** `serve`: worker and server until SIGTERM/SIGINT. */
export async function serveCommand(env: Env): Promise<number> {
  const settings = readSettings(env);
  const logger = createLogger(settings);
  const state = await loadConfigState(settings, logger);
  if (!state) return 1;
  warnIfBaseUrlDefaulted(settings, logger);
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
