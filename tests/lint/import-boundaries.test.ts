import { ESLint } from "eslint";
import tseslint from "typescript-eslint";
import { describe, expect, it } from "vitest";

/**
 * The import boundaries of docs/ARCHITECTURE.md live in eslint.config.js as regular expressions;
 * these cases pin what they must refuse and what they must let through, so a loosened or broken
 * expression fails here rather than silently letting `sources/` reach into a store.
 */
const eslint = new ESLint({
  cwd: new URL("../..", import.meta.url).pathname,
  // The boundary rule needs no type information; files named here need not exist.
  overrideConfig: [{ files: ["**/*.ts"], ...tseslint.configs.disableTypeChecked }],
});

async function restricted(filePath: string, specifier: string): Promise<string[]> {
  const code = `import type { X } from "${specifier}";\nexport type Y = X;\n`;
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

describe("import boundaries (docs/ARCHITECTURE.md)", () => {
  it.each([
    ["src/sources/feed/parse.ts", "../../store/sqlite/sqlite-store.js", "src/sources/ may import only"],
    ["src/sources/fetch.ts", "../store/store.js", "src/sources/ may import only"],
    ["src/model/item.ts", "../zones/zone-clock.js", "src/model/ may import only nothing"],
    ["src/publish/rss.ts", "../http/app.js", "src/publish/ may import only model"],
    ["src/http/app.ts", "../store/sqlite/sqlite-store.js", "src/http/ may import only"],
    ["src/worker/worker.ts", "../app/service.js", "src/worker/ may import only"],
    ["src/store/sqlite/sqlite-store.ts", "../../publish/rss.js", "src/store/ may import only model, urls"],
  ])("%s may not import %s", async (file, specifier, message) => {
    expect(await restricted(file, specifier)).toEqual([expect.stringContaining(message)]);
  });

  it.each([
    ["src/http/app.ts", "../store/store.js"],
    ["src/worker/worker.ts", "../store/store-error.js"],
    ["src/sources/feed/parse.ts", "../../zones/zone-clock.js"],
    ["src/sources/feed/parse.ts", "../urls.js"],
    ["src/store/sqlite/sqlite-store.ts", "../rows/item-row.js"],
    ["src/app/runtime.ts", "../store/sqlite/sqlite-store.js"],
  ])("%s may import %s", async (file, specifier) => {
    expect(await restricted(file, specifier)).toEqual([]);
  });
});
