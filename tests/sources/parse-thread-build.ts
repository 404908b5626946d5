/**
 * The parse pool's thread entry compiled to JavaScript (a Worker cannot load the .ts sources vitest
 * runs), as dist/ has it: tests hand its URL to createParsePool, the way the composition root hands
 * dist's.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { compileEntries, type CompiledSrc } from "../compiled-src.js";

export interface ParseThreadBuild {
  readonly entry: URL;
  remove(): void;
}

export async function buildParseThread(): Promise<ParseThreadBuild> {
  const compiled: CompiledSrc = await compileEntries("parse-thread-", ["src/sources/parse-pool/parse-thread.ts"]);
  return {
    entry: pathToFileURL(join(compiled.out, "sources/parse-pool/parse-thread.js")),
    remove: () => compiled.remove(),
  };
}
