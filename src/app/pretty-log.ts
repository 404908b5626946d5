/**
 * A pino destination for people at a terminal: each JSON log line is formatted by pino-pretty
 * (the pino project's own formatter), `[12:00:01] WARN: source failed {"source":"wire"}`, with an
 * error and its causes laid out below it. The service logs JSON everywhere else (log shippers
 * parse it); createLogger picks this one only for a TTY.
 */
import { prettyFactory } from "pino-pretty";

export interface LineOut {
  write(text: string): void;
}

/** Fields every line has, or that say nothing to a person at the terminal. */
const IGNORED = "pid,hostname,service";

export function prettyDestination(out: LineOut): { write(line: string): void } {
  const format = createLineFormat();
  return {
    write(line) {
      out.write(format(line));
    },
  };
}

/**
 * `(json line) → readable text ending in a newline`; a line that is not JSON passes through.
 * Plain text, no colours: it reads the same in a terminal, a tmux scrollback and a pasted issue.
 */
export function createLineFormat(): (line: string) => string {
  return prettyFactory({ colorize: false, singleLine: true, translateTime: "SYS:HH:MM:ss", ignore: IGNORED });
}
