/**
 * Node 20 cannot run TypeScript and no TS runner is installed, so tests that need a real child
 * process compile what it runs with tsc (unchecked: `npm test` typechecks separately) into a temp
 * dir whose node_modules resolve to this repo's.
 */
import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

export const REPO = resolve(import.meta.dirname, "..");

export interface CompiledSrc {
  /** The output directory: src/x/y.ts is at `${out}/x/y.js`. */
  readonly out: string;
  remove(): void;
}

/** Compiles with `tscArgs` (a project or entry files plus options) into a fresh temp dir. */
export async function compileSrc(prefix: string, tscArgs: readonly string[]): Promise<CompiledSrc> {
  const work = mkdtempSync(join(tmpdir(), prefix));
  const out = join(work, "out");
  mkdirSync(out);
  writeFileSync(join(out, "package.json"), JSON.stringify({ type: "module" }));
  // Beside the output as beside dist/: the composition root reads the product's name and version there.
  copyFileSync(join(REPO, "package.json"), join(work, "package.json"));
  symlinkSync(join(REPO, "node_modules"), join(work, "node_modules"), "dir");
  await promisify(execFile)(process.execPath, [
    join(REPO, "node_modules/typescript/bin/tsc"),
    ...tscArgs,
    "--outDir",
    out,
    "--noCheck",
  ]);
  return { out, remove: () => rmSync(work, { recursive: true, force: true }) };
}

/**
 * Compiles `entries` (paths under src/) and what they import, with the options dist/ is built with,
 * so `src/x/y.ts` runs as `${out}/x/y.js`: for a child process or a worker thread to load.
 */
export function compileEntries(prefix: string, entries: readonly string[]): Promise<CompiledSrc> {
  return compileSrc(prefix, [
    ...entries.map((entry) => join(REPO, entry)),
    "--rootDir",
    join(REPO, "src"),
    "--module",
    "NodeNext",
    "--moduleResolution",
    "NodeNext",
    "--target",
    "ES2022",
    "--esModuleInterop",
    "--resolveJsonModule",
    "--skipLibCheck",
    "--types",
    "node",
  ]);
}
