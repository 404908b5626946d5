import pino, { type Logger } from "pino";
import type { Settings } from "../config/settings.js";

/** The process logger: JSON lines, one object per event, for log shippers. */
export function createLogger(settings: Settings): Logger {
  return pino({ level: settings.logLevel, base: { service: "news-feed-publisher" } });
}
