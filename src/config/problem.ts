/** One thing wrong (or suspicious) in a config file, positioned for a human to fix it. */
export interface ConfigProblem {
  /** The file as the operator named it (CONFIG_DIR joined with the file name). */
  readonly file: string;
  /** 1-based. */
  readonly line?: number;
  /** 1-based. */
  readonly column?: number;
  /** YAML path like `sources[2].every`; empty for the whole file. */
  readonly path: string;
  readonly message: string;
  readonly severity: "error" | "warning";
}

export type PathSegment = string | number;

/** `["sources", 2, "every"]` → `sources[2].every`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out === "" ? segment : `.${segment}`;
  }
  return out;
}

/** `config/sources.yaml:12:5 sources[2].every: expected a duration like 30s, 10m, 1h or 1d` */
export function formatProblem(problem: ConfigProblem): string {
  const where = [problem.file, problem.line, problem.line === undefined ? undefined : problem.column]
    .filter((part) => part !== undefined)
    .join(":");
  const prefix = problem.severity === "warning" ? "warning: " : "";
  const path = problem.path === "" ? "" : ` ${problem.path}`;
  return `${where}${path}: ${prefix}${problem.message}`;
}
