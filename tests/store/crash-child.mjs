// Child process for crash.test.ts: commits runs into a SQLite store in a loop until killed.
// Plain JavaScript because Node 20 cannot import the TypeScript source; the test compiles the
// store first and passes the compiled module's path.
//
// usage: node crash-child.mjs <compiled sqlite-store.js> <database path> <items per run> <max runs>
//
// Run r writes items run-r-0 … run-r-(N-1) with category c(i % 3), and re-sends run r-1's items
// with the extra category "seen-again", so a half-written run would show up as a count that is
// not a multiple of N, or as a run whose predecessor lacks "seen-again".
import { pathToFileURL } from "node:url";

const [modulePath, databasePath, perRunArg, maxRunsArg] = process.argv.slice(2);
const perRun = Number(perRunArg);
const maxRuns = Number(maxRunsArg);
if (!modulePath || !databasePath || !(perRun > 0) || !(maxRuns > 0)) {
  console.error("usage: crash-child.mjs <store module> <database> <items per run> <max runs>");
  process.exit(2);
}

const { openSqliteStore } = await import(pathToFileURL(modulePath).href);
const store = openSqliteStore(databasePath, { clock: () => 0 });
await store.migrate();

const body = "<p>" + "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ".repeat(40) + "</p>";

function item(run, index, seenAgain) {
  return {
    id: `run-${run}-${index}`,
    sourceId: "crash",
    kind: "article",
    url: `https://example.org/${run}/${index}`,
    title: `Run ${run} story ${index}`,
    summary: `Summary ${run}/${index}`,
    contentHtml: body,
    authors: [{ name: "Crash Test" }],
    tags: ["crash"],
    enclosures: [],
    published: run * 1_000 + index,
    categories: seenAgain ? [`c${index % 3}`, "seen-again"] : [`c${index % 3}`],
  };
}

const state = await store.getSourceState("crash");
const first = (state?.itemsCollected ?? 0) / perRun;
for (let run = first; run < first + maxRuns; run += 1) {
  const items = [];
  for (let i = 0; i < perRun; i += 1) items.push(item(run, i, false));
  if (run > 0) for (let i = 0; i < perRun; i += 1) items.push(item(run - 1, i, true));
  await store.commitRun({ sourceId: "crash", at: run }, items, run * 1_000);
  process.stdout.write(`committed ${run}\n`);
}
await store.close();
