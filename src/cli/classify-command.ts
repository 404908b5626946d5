import { readProduct } from "../app/product.js";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { compileClassifier } from "../classify/classifier.js";
import { againstStore } from "./against-store.js";
import { compileExplainer } from "../classify/explain.js";
import { formatExplanation } from "../classify/explain-format.js";
import { formatProblem, loadConfig } from "../config/config.js";
import { readSettings } from "../config/settings.js";
import type { CollectedItem } from "../model/index.js";

type Env = Readonly<Record<string, string | undefined>>;

export const CLASSIFY_USAGE = `usage: npm run classify -- [options] ["headline" …]

Preview which categories the rules in CONFIG_DIR (default ./config) give each headline.
Without headlines, reads one headline per line from standard input.

options:
  --explain "headline"   per category: each rule, the words that matched it, and any exclude
                         that vetoed it
  --summary "text"       the item's summary, matched with the headline (with --explain)
  --against-store [file] dry run of a categories file (default CONFIG_DIR's) over every stored
                         item (DATABASE_URL): per category, the items that would enter and
                         leave compared with the categories they have now; nothing is written
  -h, --help             this text`;

/**
 * `classify "headline" …` (or one headline per line on stdin): previews which categories the
 * rules in CONFIG_DIR give each headline, so ops can try an edit before the service reloads it.
 * `--explain` says why, rule by rule.
 */
export async function classifyCommand(env: Env, args: readonly string[]): Promise<number> {
  const parsed = parseClassifyArgs(args);
  if (parsed.kind === "error") {
    console.error(`classify: ${parsed.message}\n${CLASSIFY_USAGE}`);
    return 64;
  }
  if (parsed.kind === "help") {
    console.log(CLASSIFY_USAGE);
    return 0;
  }
  const settings = readSettings(env);
  if (parsed.kind === "against-store") return againstStore(settings, parsed.file);
  const result = await loadConfig(settings.configDir, await readProduct());
  if (!result.ok) {
    for (const problem of result.problems) console.error(formatProblem(problem));
    return 1;
  }
  if (parsed.kind === "explain") {
    const explain = compileExplainer(result.config.categories);
    for (const line of formatExplanation(explain(previewItem(parsed.title, parsed.summary), []))) console.log(line);
    return 0;
  }
  const classify = compileClassifier(result.config.categories);
  const headlines =
    parsed.headlines.length > 0
      ? parsed.headlines
      : readFileSync(0, "utf8")
          .split("\n")
          .filter((line) => line.trim() !== "");
  for (const title of headlines) {
    const slugs = classify(previewItem(title, undefined), []);
    console.log(`${slugs.length > 0 ? slugs.join(",") : "-"}\t${title}`);
  }
  return 0;
}

type ClassifyArgs =
  | { readonly kind: "help" }
  | { readonly kind: "error"; readonly message: string }
  | { readonly kind: "explain"; readonly title: string; readonly summary: string | undefined }
  | { readonly kind: "against-store"; readonly file: string | undefined }
  | { readonly kind: "classify"; readonly headlines: readonly string[] };

function parseClassifyArgs(args: readonly string[]): ClassifyArgs {
  let values: { help?: boolean; explain?: string; summary?: string; "against-store"?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        help: { type: "boolean", short: "h" },
        explain: { type: "string" },
        summary: { type: "string" },
        "against-store": { type: "boolean" },
      },
    }));
  } catch (error) {
    return { kind: "error", message: error instanceof Error ? error.message : String(error) };
  }
  if (values.help === true) return { kind: "help" };
  if (values["against-store"] === true) {
    if (values.explain !== undefined || values.summary !== undefined || positionals.length > 1) {
      return { kind: "error", message: "--against-store takes at most one categories file, and no headline" };
    }
    return { kind: "against-store", file: positionals[0] };
  }
  if (values.explain !== undefined) {
    if (positionals.length > 0)
      return { kind: "error", message: `--explain takes one headline; also got ${JSON.stringify(positionals)}` };
    return { kind: "explain", title: values.explain, summary: values.summary };
  }
  if (values.summary !== undefined) return { kind: "error", message: "--summary goes with --explain" };
  return { kind: "classify", headlines: positionals };
}

function previewItem(title: string, summary: string | undefined): CollectedItem {
  return {
    id: title,
    sourceId: "preview",
    kind: "article",
    title,
    ...(summary === undefined ? {} : { summary }),
    authors: [],
    tags: [],
    enclosures: [],
  };
}
