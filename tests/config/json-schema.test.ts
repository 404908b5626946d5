import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { JSON_SCHEMA_FILES, buildJsonSchemas, renderJsonSchema } from "../../src/config/json-schema.js";

const SCHEMAS_DIR = path.resolve(import.meta.dirname, "../../schemas");
const CONFIG_DIR = path.resolve(import.meta.dirname, "../../config");

// After changing src/config/schema.ts, regenerate the committed files with:
//   UPDATE_JSON_SCHEMAS=1 npx vitest run tests/config/json-schema.test.ts
const update = process.env["UPDATE_JSON_SCHEMAS"] === "1";

describe("published JSON Schemas", () => {
  const generated = buildJsonSchemas();

  for (const key of ["sources", "categories"] as const) {
    it(`schemas/${JSON_SCHEMA_FILES[key]} equals the schema generated from the zod schema`, async () => {
      const file = path.join(SCHEMAS_DIR, JSON_SCHEMA_FILES[key]);
      const expected = renderJsonSchema(generated[key]);
      if (update) await writeFile(file, expected);
      expect(await readFile(file, "utf8"), "stale: regenerate with UPDATE_JSON_SCHEMAS=1 (see the comment above)").toBe(
        expected,
      );
    });

    it(`the shipped ${key}.yaml points editors at its schema`, async () => {
      const yaml = await readFile(path.join(CONFIG_DIR, `${key}.yaml`), "utf8");
      expect(yaml.split("\n")[0]).toBe(`# yaml-language-server: $schema=../schemas/${JSON_SCHEMA_FILES[key]}`);
    });
  }

  it("describes the shapes ops write: strict objects, duration patterns, the three source kinds", () => {
    const text = JSON.stringify(generated.sources);
    expect(generated.sources["additionalProperties"]).toBe(false);
    expect(generated.sources["required"]).toEqual(["sources"]);
    expect(text).toContain('"pattern":"^[1-9][0-9]*(s|m|h|d)$"');
    for (const kind of ["feed", "html-articles", "html-ticker"]) expect(text).toContain(`"const":"${kind}"`);
    expect(JSON.stringify(generated.categories)).toContain('"pattern":"^[a-z0-9]+(?:-[a-z0-9]+)*$"');
  });
});
