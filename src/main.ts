#!/usr/bin/env node
/**
 * The composition root's front door, installed as the `feed-publisher` bin: `serve`, `collect`,
 * `check-config`, `classify`, `discover`, `purge-source` (src/cli/entry.ts). No command prints the usage.
 * Nothing else in src/ reads process.env or process.argv.
 */
import { runCli } from "./cli/entry.js";

runCli(process.argv.slice(2), process.env, {
  out: (text) => console.log(text),
  err: (text) => console.error(text),
}).then(
  (code) => {
    process.exitCode = code;
    // serve resolves after its shutdown; the other commands are done: exit even if a handle lingers.
    process.exit(code);
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
