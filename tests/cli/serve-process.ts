/**
 * A real `serve` process for tests: the compiled dist-like build (compiled-src.ts) run with node,
 * its JSON log lines parsed as they come, so a test can wait on what the process says it did.
 */
import { spawn, type ChildProcess } from "node:child_process";

export type LogLine = Record<string, unknown>;

export interface Running {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  /** Every log line so far, in the order the process(es) wrote them. */
  readonly lines: readonly LogLine[];
  /** Resolves with the first log line whose msg matches (and that `where` accepts). */
  logged(pattern: RegExp, where?: (line: LogLine) => boolean): Promise<LogLine>;
}

/** Runs `node mainScript serve` with `env` over the test's own environment. */
export function runServe(mainScript: string, env: Readonly<Record<string, string>>): Running {
  const child = spawn(process.execPath, [mainScript, "serve"], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: LogLine[] = [];
  const waiters: { accepts: (line: LogLine) => boolean; resolve: (line: LogLine) => void }[] = [];
  let partial = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    partial += chunk;
    const complete = partial.split("\n");
    partial = complete.pop() ?? "";
    for (const text of complete) {
      const line = JSON.parse(text) as LogLine;
      lines.push(line);
      for (const waiter of waiters) if (waiter.accepts(line)) waiter.resolve(line);
    }
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => process.stderr.write(`serve: ${chunk}`));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    exited,
    lines,
    logged: (pattern, where = () => true) =>
      new Promise((resolve, reject) => {
        const accepts = (line: LogLine): boolean => pattern.test(String(line.msg)) && where(line);
        const seen = lines.find(accepts);
        if (seen) resolve(seen);
        else waiters.push({ accepts, resolve });
        void exited.then((code) => {
          // Say why: the warnings and errors the process(es) logged, not only that it exited.
          const said = lines.filter((line) => typeof line.level === "number" && line.level >= 40);
          reject(
            new Error(
              `serve exited (${String(code)}) before logging ${String(pattern)}; it said ${JSON.stringify(said)}`,
            ),
          );
        });
      }),
  };
}
