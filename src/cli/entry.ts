/**
 * The command table behind `feed-publisher <command>` (src/main.ts). Each command's module is
 * imported only when that command runs: `check-config` then loads the config code alone, not the
 * store, the sources and the server (which made it take over a second before any work).
 */
type Env = Readonly<Record<string, string | undefined>>;
type Command = (env: Env, args: readonly string[]) => Promise<number>;

/** sysexits.h EX_USAGE: the command line itself was wrong. */
export const EXIT_USAGE = 64;

interface CommandEntry {
  readonly summary: string;
  readonly load: () => Promise<Command>;
}

const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  serve: {
    summary: "run the worker and the feed server until SIGTERM/SIGINT",
    load: async () => (await import("./commands.js")).serveCommand,
  },
  collect: {
    summary:
      "one collect pass over every enabled source, write the snapshot, exit (0 ok, 1 bad config, 2 a source failed)",
    load: async () => (await import("./collect-command.js")).collectCommand,
  },
  "check-config": {
    summary: "validate CONFIG_DIR and print every problem with file:line (exit 1 on any error)",
    load: async () => (await import("./check-config-command.js")).checkConfigCommand,
  },
  classify: {
    summary: 'preview the categories of a headline: classify [--explain] "headline" (see classify --help)',
    load: async () => (await import("./classify-command.js")).classifyCommand,
  },
  discover: {
    summary: "what zero-config detection finds on one page: discover URL",
    load: async () => (await import("./discover-command.js")).discoverCommand,
  },
  "purge-source": {
    summary: "delete the stored items of a source removed from the config: purge-source ID [--yes]",
    load: async () => (await import("./purge-command.js")).purgeSourceCommand,
  },
};

export const COMMAND_NAMES: readonly string[] = Object.keys(COMMANDS);

export function usage(): string {
  const width = Math.max(...COMMAND_NAMES.map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, entry]) => `  ${name.padEnd(width)}  ${entry.summary}`);
  return [
    "usage: feed-publisher <command> [args]   (or: npm run <command> -- [args])",
    "",
    "commands:",
    ...lines,
    "",
    "Settings come from the environment: PORT, HOST, BASE_URL, CONFIG_DIR, DATABASE_URL, FEEDS_DIR,",
    "LOG_LEVEL, ADMIN_TOKEN (see README.md).",
  ].join("\n");
}

export interface CliOutput {
  out(text: string): void;
  err(text: string): void;
}

/**
 * Runs the command named by `args[0]`; resolves to the exit code. No command prints the usage
 * (exit 64) rather than starting a server on 8080 by surprise.
 */
export async function runCli(args: readonly string[], env: Env, output: CliOutput): Promise<number> {
  const [name, ...rest] = args;
  if (name === "help" || name === "--help" || name === "-h") {
    output.out(usage());
    return 0;
  }
  if (name === undefined) {
    output.err(usage());
    return EXIT_USAGE;
  }
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (entry === undefined) {
    output.err(`unknown command "${name}"\n\n${usage()}`);
    return EXIT_USAGE;
  }
  const command = await entry.load();
  return command(env, rest);
}
