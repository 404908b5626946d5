import { readProduct } from "../app/product.js";
import { createInterface } from "node:readline/promises";
import { parseArgs } from "node:util";
import { loadConfig } from "../config/config.js";
import { readSettings } from "../config/settings.js";
import { openStore } from "../store/open-store.js";
import { EXIT_USAGE } from "./entry.js";

type Env = Readonly<Record<string, string | undefined>>;

export const PURGE_USAGE = `usage: feed-publisher purge-source ID [--yes]

Delete every stored item of the source ID, and its run state, from DATABASE_URL. For a source
removed from CONFIG_DIR's sources.yaml: a configured source is refused, since its next collect
would store its items again. Asks to type the id to confirm unless --yes is given (needed
without a terminal). A running server picks the change up like any other store change.`;

export interface PurgeIo {
  /** Ask the operator; resolves to their answer. Undefined when there is no terminal to ask on. */
  readonly ask?: (question: string) => Promise<string>;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** `purge-source ID [--yes]`: see PURGE_USAGE. Exit 0 done, 1 refused or not confirmed, 64 usage. */
export async function purgeSourceCommand(
  env: Env,
  args: readonly string[],
  io: PurgeIo = terminalIo(),
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], allowPositionals: true, options: { yes: { type: "boolean", short: "y" } } });
  } catch (cause) {
    io.err(`purge-source: ${cause instanceof Error ? cause.message : String(cause)}\n${PURGE_USAGE}`);
    return EXIT_USAGE;
  }
  const [sourceId, ...extra] = parsed.positionals;
  if (sourceId === undefined || extra.length > 0) {
    io.err(PURGE_USAGE);
    return EXIT_USAGE;
  }
  const settings = readSettings(env);
  const config = await loadConfig(settings.configDir, await readProduct());
  if (!config.ok) {
    io.err("purge-source: the config is not valid; run `feed-publisher check-config`");
    return 1;
  }
  if (config.config.sources.some((source) => source.id === sourceId)) {
    io.err(`purge-source: "${sourceId}" is still in ${settings.configDir}/sources.yaml; remove it there first`);
    return 1;
  }
  if (parsed.values.yes !== true) {
    if (io.ask === undefined) {
      io.err("purge-source: no terminal to confirm on; pass --yes to purge without asking");
      return 1;
    }
    const answer = await io.ask(
      `Delete every stored item of source "${sourceId}" from the store? Type the source id to confirm: `,
    );
    if (answer.trim() !== sourceId) {
      io.err("purge-source: not confirmed; nothing was deleted");
      return 1;
    }
  }
  const store = await openStore(settings.database, { clock: Date.now });
  try {
    const result = await store.purgeSource(sourceId, Date.now());
    io.out(
      result.removed === 0
        ? `purge-source: no stored items of "${sourceId}"; its run state, if any, was removed`
        : `purge-source: removed ${result.removed} item(s) of "${sourceId}" (feeds changed: ${result.changedCategories.join(", ")})`,
    );
    return 0;
  } finally {
    await store.close();
  }
}

function terminalIo(): PurgeIo {
  const io = { out: (text: string) => console.log(text), err: (text: string) => console.error(text) };
  if (!process.stdin.isTTY) return io;
  return {
    ...io,
    ask: async (question) => {
      const readline = createInterface({ input: process.stdin, output: process.stdout });
      try {
        return await readline.question(question);
      } finally {
        readline.close();
      }
    },
  };
}
