// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/**
 * Import boundaries: docs/ARCHITECTURE.md's "Data flows one way" table, enforced. Each folder of
 * `src/` lists the folders it may import; everything else under `src/` is refused with the table's
 * reason. `store-interface` means `store/store.ts` and `store/store-error.ts` only: code outside the
 * store talks to the `Store` interface, never to a dialect. `app/` (the process runtime) may use every
 * layer but the commands; `cli/` and `main.ts` are not restricted.
 */
const LAYERS = {
  model: [],
  // Generic helpers with no domain knowledge (the concurrency limiter, error text): anyone may use them.
  shared: [],
  urls: [],
  zones: ["model"],
  net: ["model", "shared"],
  config: ["model", "zones", "net", "urls"],
  classify: ["model"],
  sources: ["model", "zones", "urls", "net"],
  store: ["model", "urls"],
  publish: ["model"],
  http: ["model", "shared", "publish", "net", "store-interface"],
  websub: ["model", "shared", "urls", "publish", "net", "http", "store-interface"],
  worker: ["model", "shared", "sources", "classify", "net", "store-interface"],
  metrics: ["model", "shared", "publish", "http", "websub", "worker"],
  // The process runtime: wires every layer below into a running service; only commands use it.
  app: [
    "model",
    "shared",
    "zones",
    "urls",
    "net",
    "config",
    "classify",
    "sources",
    "store",
    "publish",
    "http",
    "websub",
    "worker",
    "metrics",
  ],
};
const FOLDERS = [...Object.keys(LAYERS), "cli"];

/** A regular expression matching a relative import of `folder` from any depth below `src/`. */
function refuse(folder, allowed) {
  if (folder === "store" && allowed.includes("store-interface")) {
    return String.raw`^(\.\./)+store/(?!store\.js$|store-error\.js$)`;
  }
  return String.raw`^(\.\./)+${folder}(/|$)`;
}

const boundaries = Object.entries(LAYERS).map(([layer, allowed]) => ({
  files: [`src/${layer}/**/*.ts`],
  rules: {
    "no-restricted-imports": [
      "error",
      {
        patterns: FOLDERS.filter((folder) => folder !== layer && !allowed.includes(folder)).map((folder) => ({
          regex: refuse(folder, allowed),
          message: `src/${layer}/ may import only ${allowed.join(", ") || "nothing"} (docs/ARCHITECTURE.md, "Data flows one way").`,
        })),
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "data/", "feeds/", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  },
  {
    files: ["**/*.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/ban-ts-comment": ["error", { "ts-nocheck": true, "ts-ignore": true }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      // A promise nobody awaits loses its rejection: spelled out by the type checker, not by hand.
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      // Async methods that happen to have no await implement an async interface (the SQLite store
      // answers synchronously behind `Promise`s): not a defect.
      "@typescript-eslint/require-await": "off",
      "no-console": ["error", { allow: ["error"] }],
    },
  },
  ...boundaries,
  {
    // Callbacks passed to page.$eval run in Chromium and take DOM types, which this Node-only project
    // does not load (lib: ES2023): to the type checker they are unresolved, not unsafe.
    files: ["tests/pages/**/*.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-return": "off",
    },
  },
  {
    files: ["src/cli/**/*.ts", "src/main.ts", "bench/**", "tests/**"],
    rules: { "no-console": "off" },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { process: "readonly", console: "readonly", URL: "readonly", setTimeout: "readonly" },
    },
  },
);
