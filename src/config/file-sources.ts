/**
 * `file:` sources are confined to CONFIG_DIR and the directories ops list in
 * `defaults.fetch.allowed_file_dirs` (issue 9 point 7: `/etc/passwd` was accepted as a source and
 * a line of it reached the public /status.json). This is the config-time check, with file and
 * line; it judges paths as written. fetch.ts checks again on the real path at read time, so a
 * symbolic link out of the directory is refused too.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ConfigProblem } from "./problem.js";
import { fileRoots, resolveSourceUrl } from "./build.js";
import type { YamlFile } from "./yaml-file.js";

/** Whether `file` is `root` or lies under it, judged on the paths as given. */
export function isInside(file: string, root: string): boolean {
  const relative = path.relative(root, file);
  return relative === "" || (relative !== ".." && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}

export function fileSourceProblems(sources: YamlFile, configDir: string): ConfigProblem[] {
  const allowed = list(field(field(field(sources.value, "defaults"), "fetch"), "allowed_file_dirs")).filter(
    (dir): dir is string => typeof dir === "string",
  );
  const roots = fileRoots(configDir, allowed);
  return list(field(sources.value, "sources")).flatMap((source, index) => {
    const url = field(source, "url");
    if (typeof url !== "string" || /^https?:/i.test(url) || url.trim() === "") return [];
    let file: string;
    try {
      file = fileURLToPath(resolveSourceUrl(url, configDir));
    } catch {
      return []; // the schema reports a URL it cannot read
    }
    if (roots.some((root) => isInside(file, root))) return [];
    return [
      sources.problemAt(
        ["sources", index, "url"],
        `file ${file} is outside the config directory ${roots[0] ?? configDir}; list its directory in defaults.fetch.allowed_file_dirs to read it`,
      ),
    ];
  });
}

function list(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

function field(value: unknown, key: string): unknown {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}
