import type { Logger } from "pino";
import type { Config } from "../config/config.js";
import { readSettings } from "../config/settings.js";
import type { ParsePool } from "../sources/parse-pool/parse-pool.js";
import { collectOnce } from "../app/collect.js";
import { startParsePool } from "../app/parse-threads.js";
import { loadConfigState, warnIfBaseUrlDefaulted } from "../app/config-state.js";
import {
  createCollectProgress,
  formatCollectSummary,
  type CollectProgress,
  type TerminalOut,
} from "./collect-progress.js";
import { createLogger, type LogOutput } from "../app/logger.js";

type Env = Readonly<Record<string, string | undefined>>;

/** Where collect shows progress (stderr) and logs (stdout); each says whether it is a TTY. */
export interface CollectTerminal {
  readonly progress: TerminalOut & { readonly isTTY?: boolean };
  readonly log: LogOutput;
}

/** Exit codes of `collect`, so cron and CI can alert on them (README "Commands"). */
export const COLLECT_EXIT = { ok: 0, configInvalid: 1, sourcesFailed: 2 } as const;

/**
 * `collect`: one pass over every enabled source, then the snapshot, then exit: 0 when every
 * source was collected, 1 when the config (or the environment) is not valid, 2 when any source
 * failed, each failed source named on stderr.
 */
export async function collectCommand(
  env: Env,
  _args: readonly string[] = [],
  terminal: CollectTerminal = { progress: process.stderr, log: process.stdout },
  // Where documents are parsed: the parse pool, as `serve` does; undefined parses on this thread
  // (tests, which have no compiled thread entry).
  parsePool: (config: Config, logger: Logger) => ParsePool | undefined = startParsePool,
): Promise<number> {
  const settings = readSettings(env);
  const tty = terminal.progress.isTTY === true;
  // On a terminal the progress line and the summary say what each source's info line would.
  let progress: CollectProgress | undefined;
  // Log lines go above the progress line rather than into it.
  const log: LogOutput = {
    isTTY: terminal.log.isTTY === true,
    write: (text) => (progress ? progress.above(() => terminal.log.write(text)) : terminal.log.write(text)),
  };
  const logger = createLogger(
    settings,
    tty ? log : terminal.log,
    tty && settings.logLevel === "info" ? "warn" : settings.logLevel,
  );
  const state = await loadConfigState(settings, logger);
  if (!state) return COLLECT_EXIT.configInvalid;
  warnIfBaseUrlDefaulted(settings, logger);
  const enabled = state.config.sources.filter((source) => source.enabled).length;
  progress = tty ? createCollectProgress(enabled, terminal.progress) : undefined;
  const pool = parsePool(state.config, logger);
  const results = await collectOnce(settings, state, logger, {
    ...(progress && { progress }),
    ...(pool && { parsePool: pool }),
  });
  if (progress) {
    progress.end();
    progress = undefined;
    console.log(formatCollectSummary(results));
  }
  const failed = results.filter((result) => !result.ok);
  for (const result of failed)
    console.error(`collect: source ${result.sourceId} failed: ${result.error ?? "unknown error"}`);
  return failed.length > 0 ? COLLECT_EXIT.sourcesFailed : COLLECT_EXIT.ok;
}
