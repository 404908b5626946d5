/**
 * `classify --against-store [categories file]`: a dry run of a categories edit over every stored
 * item. The candidate rules (the given file, else CONFIG_DIR's categories.yaml) classify each
 * stored item as a reclassification would, and each category lists the items that would enter
 * and leave it compared with the categories the store holds now — the ones in force. Nothing is
 * written. A candidate with problems is reported with its own file name and line, exit 1.
 */
import { readProduct } from "../app/product.js";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { createMoveTally } from "../classify/category-moves.js";
import type { CategoryMoves } from "../classify/category-moves.js";
import { compileClassifier } from "../classify/classifier.js";
import { CATEGORIES_FILE, SOURCES_FILE, formatProblem, parseConfig } from "../config/config.js";
import type { Settings } from "../config/settings.js";
import { openStore } from "../store/open-store.js";

const BATCH = 5000;
/** Items listed per direction and category; the count is always complete. */
const SHOWN = 20;

export async function againstStore(settings: Settings, candidateFile: string | undefined): Promise<number> {
  const file = candidateFile ?? path.join(settings.configDir, CATEGORIES_FILE);
  let sourcesYaml: string;
  let categoriesYaml: string;
  try {
    [sourcesYaml, categoriesYaml] = await Promise.all([
      readFile(path.join(settings.configDir, SOURCES_FILE), "utf8"),
      readFile(file, "utf8"),
    ]);
  } catch (cause) {
    console.error(
      `classify: cannot read the config to compare (${cause instanceof Error ? cause.message : String(cause)})`,
    );
    return 1;
  }
  const parsed = parseConfig({
    configDir: settings.configDir,
    sourcesYaml,
    categoriesYaml,
    product: await readProduct(),
  });
  if (!parsed.ok) {
    // parseConfig names CONFIG_DIR's categories.yaml; the candidate may live elsewhere.
    const inConfigDir = path.join(settings.configDir, CATEGORIES_FILE);
    for (const problem of parsed.problems)
      console.error(formatProblem(problem.file === inConfigDir ? { ...problem, file } : problem));
    return 1;
  }
  const { config } = parsed;
  const classify = compileClassifier(config.categories);
  const sourceCategories = new Map(config.sources.map((source) => [source.id, source.categories]));
  const tally = createMoveTally();
  const store = await openStore(settings.database, { clock: () => Date.now() });
  let examined = 0;
  try {
    let after: string | undefined;
    for (;;) {
      const batch = await store.listItemsForReclassification(after, BATCH);
      const last = batch.at(-1);
      if (last === undefined) break;
      after = last.id;
      examined += batch.length;
      for (const item of batch)
        tally.add(
          { id: item.id, title: item.title },
          item.categories,
          classify(item, sourceCategories.get(item.sourceId) ?? []),
        );
    }
  } finally {
    await store.close();
  }
  console.log(`${file} against ${examined} stored items (dry run: nothing is written)`);
  for (const line of formatMoves(tally.result(config.categories.map((category) => category.slug)))) console.log(line);
  return 0;
}

export function formatMoves(moves: readonly CategoryMoves[]): string[] {
  return moves.flatMap((category) => [
    `${category.slug}: ${category.entering.length} would enter, ${category.leaving.length} would leave`,
    ...listed("+", category.entering),
    ...listed("-", category.leaving),
  ]);
}

function listed(mark: string, items: readonly { id: string; title: string }[]): string[] {
  const lines = items.slice(0, SHOWN).map((item) => `  ${mark} ${item.title}\t${item.id}`);
  return items.length > SHOWN ? [...lines, `  ${mark} … ${items.length - SHOWN} more`] : lines;
}
