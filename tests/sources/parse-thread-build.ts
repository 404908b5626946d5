/**
 * The parse pool's thread entry compiled to JavaScript (a Worker cannot load the .ts sources vitest
 * runs), as dist/ has it: tests hand its URL to createParsePool, the way the composition root hands
 * dist's.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { compileSrc, REPO, type CompiledSrc } from "../compiled-src.js";

export interface ParseThreadBuild {
  readonly entry: URL;
  remove(): void;
}

export async function buildParseThread(): Promise<ParseThreadBuild> {
  const compiled: CompiledSrc = await compileSrc("parse-thread-", [
    join(REPO, "src/sources/parse-pool/parse-thread.ts"),
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
  return {
    entry: pathToFileURL(join(compiled.out, "sources/parse-pool/parse-thread.js")),
    remove: () => compiled.remove(),
  };
}
