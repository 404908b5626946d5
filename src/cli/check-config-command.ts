import { readProduct } from "../app/product.js";
import { loadConfig } from "../config/config.js";
import { readSettings } from "../config/settings.js";
import { countErrors, printProblems } from "../app/config-state.js";

type Env = Readonly<Record<string, string | undefined>>;

/**
 * `check-config`: every problem with file:line, exit 1 on any error. Imports the config code only
 * (see entry.ts), so it answers in well under a second from dist/.
 */
export async function checkConfigCommand(env: Env): Promise<number> {
  const settings = readSettings(env);
  const result = await loadConfig(settings.configDir, await readProduct());
  if (!result.ok) {
    printProblems(result.problems);
    console.error(`config: ${countErrors(result.problems)} error(s); the config is not valid`);
    return 1;
  }
  printProblems(result.warnings);
  console.log(
    `config: OK — ${result.config.sources.length} sources, ${result.config.categories.length} categories (${settings.configDir})`,
  );
  return 0;
}
