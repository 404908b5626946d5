/**
 * A pino destination for people at a terminal: each JSON log line becomes
 * `12:00:01 WARN  source failed source=wire err="fetch: HTTP 503"`. The service logs JSON
 * everywhere else (log shippers parse it); createLogger picks this one only for a TTY.
 */
const LEVELS: Readonly<Record<number, string>> = {
  10: "TRACE",
  20: "DEBUG",
  30: "INFO ",
  40: "WARN ",
  50: "ERROR",
  60: "FATAL",
};
/** Fields every line has or that the line shows already. */
const HIDDEN = new Set(["level", "time", "msg", "pid", "hostname", "service"]);

export interface LineOut {
  write(text: string): void;
}

export function prettyDestination(out: LineOut): { write(line: string): void } {
  return {
    write(line) {
      out.write(`${formatLogLine(line)}\n`);
    },
  };
}

export function formatLogLine(line: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.trimEnd();
  }
  const time = typeof record.time === "number" ? new Date(record.time).toISOString().slice(11, 19) : "--:--:--";
  const level = typeof record.level === "number" ? (LEVELS[record.level] ?? String(record.level)) : "?";
  const fields = Object.entries(record)
    .filter(([key]) => !HIDDEN.has(key))
    .map(([key, value]) => `${key}=${formatValue(value)}`);
  return [time, level, typeof record.msg === "string" ? record.msg : "", ...fields].join(" ").trimEnd();
}

function formatValue(value: unknown): string {
  if (typeof value === "string") return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}
