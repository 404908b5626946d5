#!/usr/bin/env node
/**
 * `npm run collect` and friends run the built CLI in dist/. This compiles first only when a source
 * file or tsconfig changed since the last build (newest mtime of src/ and its folders, so a deleted
 * file counts too), which keeps `npm run check-config` at about a second instead of a full tsc.
 * Without src/ (the Docker runtime image ships dist/ alone) there is nothing to build.
 * `--always` builds unconditionally (`npm run build`).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const stamp = path.join(root, "dist", ".build-stamp");
const inputs = ["tsconfig.json", "tsconfig.build.json", "package.json"].map((name) => path.join(root, name));

function newestMtime(entry) {
  const info = statSync(entry);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const child of readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, child)));
  return newest;
}

const src = path.join(root, "src");
if (!existsSync(src)) process.exit(0);
const always = process.argv.includes("--always");
const newestInput = Math.max(newestMtime(src), ...inputs.filter((file) => existsSync(file)).map(newestMtime));
if (!always && existsSync(stamp) && statSync(stamp).mtimeMs >= newestInput) process.exit(0);

let tsc;
try {
  tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
} catch {
  console.error("build: src/ changed but TypeScript is not installed here; run `npm ci` (dev dependencies) first");
  process.exit(1);
}
const built = spawnSync(process.execPath, [tsc, "-p", path.join(root, "tsconfig.build.json")], { stdio: "inherit" });
if (built.status !== 0) process.exit(built.status ?? 1);
writeFileSync(stamp, `built ${new Date().toISOString()}\n`);
