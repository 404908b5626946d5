/**
 * Load and validate config/sources.yaml and config/categories.yaml into one frozen Config.
 * Every problem in both files is reported in one go, each with file, line, column and YAML path,
 * so `check-config` shows an operator the whole list instead of one error per run.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { buildConfig } from "./build.js";
import type { Product } from "./product.js";
import type { ConfigResult } from "./config-types.js";
import { crossCheck } from "./cross-check.js";
import { deepFreeze } from "./deep-freeze.js";
import { fileSourceProblems } from "./file-sources.js";
import type { ConfigProblem } from "./problem.js";
import { categoriesFileSchema, sourcesFileSchema } from "./schema.js";
import { schemaProblems } from "./schema-problems.js";
import { parseYamlFile } from "./yaml-file.js";

export type { Config, ConfigResult } from "./config-types.js";
export type { ConfigProblem } from "./problem.js";
export { formatProblem } from "./problem.js";

export const SOURCES_FILE = "sources.yaml";
export const CATEGORIES_FILE = "categories.yaml";

export interface ConfigInput {
  /** As the operator gave it (CONFIG_DIR); file names in problems and relative source paths use it. */
  readonly configDir: string;
  readonly sourcesYaml: string;
  readonly categoriesYaml: string;
  /** This build (package.json, read by the composition root): User-Agent and feed generator name it. */
  readonly product: Product;
}

/** Pure: text in, Config or every problem out. */
export function parseConfig(input: ConfigInput): ConfigResult {
  const sourcesYaml = parseYamlFile(path.join(input.configDir, SOURCES_FILE), input.sourcesYaml);
  const categoriesYaml = parseYamlFile(path.join(input.configDir, CATEGORIES_FILE), input.categoriesYaml);
  const sources = sourcesYaml.value === undefined ? undefined : sourcesFileSchema.safeParse(sourcesYaml.value ?? {});
  const categories =
    categoriesYaml.value === undefined ? undefined : categoriesFileSchema.safeParse(categoriesYaml.value ?? {});

  const problems: ConfigProblem[] = [
    ...sourcesYaml.syntaxProblems,
    ...(sources?.success === false ? schemaProblems(sourcesYaml, sources.error.issues, sourcesFileSchema) : []),
    ...categoriesYaml.syntaxProblems,
    ...(categories?.success === false
      ? schemaProblems(categoriesYaml, categories.error.issues, categoriesFileSchema)
      : []),
    ...crossCheck(sourcesYaml, categoriesYaml),
    ...fileSourceProblems(sourcesYaml, input.configDir),
  ];
  const errors = problems.filter((problem) => problem.severity === "error");
  if (errors.length > 0 || !sources?.success || !categories?.success) {
    return deepFreeze({ ok: false, problems: sortProblems(problems) });
  }
  const config = buildConfig(input.configDir, sources.data, categories.data, input.product);
  return deepFreeze({ ok: true, config, warnings: sortProblems(problems) });
}

/** Reads both files from CONFIG_DIR; an unreadable file is a problem in the result, never a throw. */
export async function loadConfig(configDir: string, product: Product): Promise<ConfigResult> {
  const [sourcesYaml, categoriesYaml] = await Promise.all([
    readConfigFile(configDir, SOURCES_FILE),
    readConfigFile(configDir, CATEGORIES_FILE),
  ]);
  if (typeof sourcesYaml !== "string" || typeof categoriesYaml !== "string") {
    const problems = [sourcesYaml, categoriesYaml].filter(
      (result): result is ConfigProblem => typeof result !== "string",
    );
    return deepFreeze({ ok: false, problems });
  }
  return parseConfig({ configDir, sourcesYaml, categoriesYaml, product });
}

async function readConfigFile(configDir: string, name: string): Promise<string | ConfigProblem> {
  const file = path.join(configDir, name);
  try {
    return await readFile(file, "utf8");
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "file not found" : `cannot read file (${code ?? String(cause)})`;
    return { file, path: "", message: `${reason} in config directory ${path.resolve(configDir)}`, severity: "error" };
  }
}

/** File, then position: the order an operator fixes them in. */
function sortProblems(problems: readonly ConfigProblem[]): ConfigProblem[] {
  return [...problems].sort(
    (a, b) => a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0),
  );
}
