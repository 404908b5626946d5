import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { buildConfig } from "../../src/config/build.js";
import { BUILT_IN_DEFAULTS } from "../../src/config/defaults.js";
import { categoriesFileSchema, sourcesFileSchema } from "../../src/config/schema.js";
import { TEST_PRODUCT } from "../fixtures/product.js";

const D = BUILT_IN_DEFAULTS;

/** The defaults table as ops would write it into the two files. */
const spelledOut = {
  sources: { defaults: D.defaults, worker: D.worker, publish: D.publish, websub: D.websub, sources: [] },
  categories: { site: D.site, categories: [] },
};

describe("the table of built-in defaults", () => {
  it("is what an empty config gets: writing every default out changes nothing", () => {
    const empty = buildConfig("/srv/config", { sources: [] }, { categories: [] }, TEST_PRODUCT);
    const written = buildConfig(
      "/srv/config",
      sourcesFileSchema.parse(spelledOut.sources),
      categoriesFileSchema.parse(spelledOut.categories),
      TEST_PRODUCT,
    );
    expect(written).toEqual(empty);
  });

  it("is what the README's sources.yaml shows as the built-in defaults", async () => {
    const readme = await readFile(new URL("../../README.md", import.meta.url), "utf8");
    const block = /### `config\/sources\.yaml`\s+```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block, "README: the sources.yaml example").toBeDefined();
    const shown = parse(block ?? "") as Record<string, unknown>;
    // The README's contact is an example of the operator's own page, not the built-in one.
    const { contact: _contact, ...defaults } = D.defaults;
    expect(shown).toMatchObject({ defaults, worker: D.worker, publish: D.publish, websub: D.websub });
  });
});
