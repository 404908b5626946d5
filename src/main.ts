#!/usr/bin/env node
/**
 * The composition root's front door: `serve` (default), `collect`, `check-config`, `classify`,
 * `discover`.
 * Nothing else in src/ reads process.env or process.argv.
 */
import { classifyCommand } from "./cli/classify-command.js";
import { checkConfigCommand, collectCommand, serveCommand } from "./cli/commands.js";
import { discoverCommand } from "./cli/discover-command.js";

const COMMANDS: Readonly<Record<string, (env: NodeJS.ProcessEnv, args: readonly string[]) => Promise<number>>> = {
  serve: serveCommand,
  collect: collectCommand,
  "check-config": checkConfigCommand,
  classify: classifyCommand,
  discover: (env, args) => discoverCommand(env, args),
};

const name = process.argv[2] ?? "serve";
const command = COMMANDS[name];
if (!command) {
  console.error(`unknown command "${name}"; use one of: ${Object.keys(COMMANDS).join(", ")}`);
  process.exit(64);
}
command(process.env, process.argv.slice(3)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
