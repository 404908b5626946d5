import pino, { type Logger } from "pino";
import type { Settings } from "../config/settings.js";
import { prettyDestination, type LineOut } from "./pretty-log.js";

export interface LogOutput extends LineOut {
  /** Whether a person reads it (a TTY): readable lines then, JSON lines otherwise. */
  readonly isTTY?: boolean;
}

/**
 * The process logger: JSON lines, one object per event, for log shippers and `docker logs`
 * pipelines; on a terminal, readable lines (pretty-log.ts). README "Logs".
 */
export function createLogger(settings: Settings, out: LogOutput = process.stdout, level = settings.logLevel): Logger {
  const options = { level, base: { service: "news-feed-publisher" } };
  if (out.isTTY === true) return pino(options, prettyDestination(out));
  return out === process.stdout ? pino(options) : pino(options, out);
}
