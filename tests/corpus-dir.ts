import { existsSync } from "node:fs";
import path from "node:path";

/**
 * Where the shared real-world feed corpus lives: `CORPUS_DIR`, else `../shared/corpus` beside the
 * checkout (the workspace layout), else the workspace's absolute path — so a clean clone made
 * anywhere (CI clones into a temp dir) still finds it.
 */
export function corpusDir(): string {
  const candidates = [
    process.env.CORPUS_DIR,
    path.resolve(import.meta.dirname, "../../shared/corpus"),
    "/work/shared/corpus",
  ].filter((candidate): candidate is string => candidate !== undefined && candidate !== "");
  const found = candidates.find((candidate) => existsSync(path.join(candidate, "MANIFEST.json")));
  if (!found) throw new Error(`the feed corpus was not found; set CORPUS_DIR (looked in ${candidates.join(", ")})`);
  return found;
}
