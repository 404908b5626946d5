#!/usr/bin/env node
/**
 * `node bench/seed.mjs DATABASE_URL [ITEMS] [FROM]`: fills a store (the built dist/ store) with ITEMS
 * items (default 200,000) spread over world, technology and morocco-economy, through commitRun in
 * batches, as collect passes would. FROM (default 0) grows a store seeded with FROM items to ITEMS
 * (bench/scale/items.mjs measures 10k, 200k and 1M on one store). Prints `{ items, ms, batch }`
 * (items added) as JSON on stdout. Run by the benches in its own process, so the service they
 * measure starts with a clean heap.
 */
import path from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";

const ROOT = path.resolve(import.meta.dirname, "..");
const { openStore } = await import(pathToFileURL(path.join(ROOT, "dist/store/open-store.js")).href);

const CATEGORIES = ["world", "technology", "morocco-economy"];
const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
const BATCH = 2_000;

const WORDS = (
  "minister government council market bank inflation export trade port harbour storm rail line city region " +
  "officials announce plan season report growth energy solar water drought farmers tourism record league " +
  "court ruling parliament budget reform school hospital health network startup investment cloud data " +
  "research university agreement summit visit talks security border police weather forecast museum festival"
).split(" ");

/** Deterministic varied prose (an LCG over a news vocabulary), so compression ratios look like real feeds. */
function prose(seed, words) {
  let state = (seed * 2654435761) >>> 0;
  const out = [];
  for (let i = 0; i < words; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out.push(WORDS[state % WORDS.length]);
  }
  return out.join(" ");
}

function benchItem(category, n) {
  const id = `https://bench.example.org/${category}/${n}`;
  return {
    id,
    sourceId: `bench-${category}`,
    kind: n % 5 === 0 ? "ticker" : "article",
    url: id,
    title: `${category} story ${n}: ${prose(n, 9)}`,
    summary: prose(n + 1, 30),
    contentHtml: `<p>${prose(n + 2, 60)}</p><p>${prose(n + 3, 40)} <a href="${id}">Read more</a></p>`,
    authors: [{ name: "Bench Reporter" }],
    tags: [category, n % 2 ? "odd" : "even"],
    enclosures: [],
    // One story every 26 s per category: 200,000 items span about 20 days.
    published: T0 - n * 26_000,
    categories: [category],
  };
}

async function seed(databaseUrl, total, already) {
  const store = await openStore(databaseUrl, { clock: () => T0 });
  const perCategory = Math.ceil(total / CATEGORIES.length);
  const first = Math.ceil(already / CATEGORIES.length);
  const start = performance.now();
  for (const category of CATEGORIES) {
    for (let from = first; from < perCategory; from += BATCH) {
      const items = [];
      for (let n = from; n < Math.min(perCategory, from + BATCH); n++) items.push(benchItem(category, n));
      await store.commitRun({ sourceId: `bench-${category}`, at: T0 }, items, T0);
    }
  }
  const ms = performance.now() - start;
  await store.close();
  return { items: (perCategory - first) * CATEGORIES.length, ms, batch: BATCH };
}

const [databaseUrl, items = "200000", from = "0"] = process.argv.slice(2);
if (databaseUrl === undefined || !/^\d+$/.test(items) || !/^\d+$/.test(from) || Number(from) > Number(items)) {
  console.error("usage: node bench/seed.mjs DATABASE_URL [ITEMS] [FROM]");
  process.exit(2);
}
console.log(JSON.stringify(await seed(databaseUrl, Number(items), Number(from))));
