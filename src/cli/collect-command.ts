import { readSettings } from "../config/settings.js";
import { collectOnce } from "./collect.js";
import { loadConfigState, warnIfBaseUrlDefaulted } from "./config-state.js";
import { createLogger } from "./logger.js";

type Env = Readonly<Record<string, string | undefined>>;

/** Exit codes of `collect`, so cron and CI can alert on them (README "Commands"). */
export const COLLECT_EXIT = { ok: 0, configInvalid: 1, sourcesFailed: 2 } as const;

/**
 * `collect`: one pass over every enabled source, then the snapshot, then exit: 0 when every
 * source was collected, 1 when the config (or the environment) is not valid, 2 when any source
 * failed, each failed source named on stderr.
 */
export async function collectCommand(env: Env): Promise<number> {
  const settings = readSettings(env);
  const logger = createLogger(settings);
  const state = await loadConfigState(settings, logger);
  if (!state) return COLLECT_EXIT.configInvalid;
  warnIfBaseUrlDefaulted(settings, logger);
  const results = await collectOnce(settings, state, logger);
  const failed = results.filter((result) => !result.ok);
  for (const result of failed)
    console.error(`collect: source ${result.sourceId} failed: ${result.error ?? "unknown error"}`);
  return failed.length > 0 ? COLLECT_EXIT.sourcesFailed : COLLECT_EXIT.ok;
}
