import { readFileSync } from "node:fs";
import { compileClassifier } from "../classify/classifier.js";
import { formatProblem, loadConfig } from "../config/config.js";
import { readSettings } from "../config/settings.js";
import type { CollectedItem } from "../model/index.js";

type Env = Readonly<Record<string, string | undefined>>;

/**
 * `classify "headline" …` (or one headline per line on stdin): previews which categories the
 * rules in CONFIG_DIR give each headline, so ops can try an edit before the service reloads it.
 */
export async function classifyCommand(env: Env, args: readonly string[]): Promise<number> {
  const settings = readSettings(env);
  const result = await loadConfig(settings.configDir);
  if (!result.ok) {
    for (const problem of result.problems) console.error(formatProblem(problem));
    return 1;
  }
  const classify = compileClassifier(result.config.categories);
  const headlines = args.length > 0 ? args : readFileSync(0, "utf8").split("\n").filter((line) => line.trim() !== "");
  for (const title of headlines) {
    const item: CollectedItem = { id: title, sourceId: "preview", kind: "article", title, authors: [], tags: [], enclosures: [] };
    const slugs = classify(item, []);
    console.log(`${slugs.length > 0 ? slugs.join(",") : "-"}\t${title}`);
  }
  return 0;
}
