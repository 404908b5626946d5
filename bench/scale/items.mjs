#!/usr/bin/env node
/**
 * Scale bench, stored-items phase (issue 12 §2): how the built service (dist/) behaves as the
 * store grows from 10k to 200k to 1M items, on one SQLite store grown in steps.
 *
 * Per size: the seed time (bench/seed.mjs in a child process: commitRun in batches, as collect
 * passes write), then, in a fresh child running the real service (startService, no worker):
 *   - cold render of world.rss with 50 and 500 items and of all.rss with 500, through
 *     FeedService.render with the render cache cleared before each run (median of RUNS);
 *   - a `?before=` cursor page (50 items) from the middle of the world feed;
 *   - store size on disk (database + WAL);
 *   - reclassification after a category edit (a keyword rule added to `technology`), through
 *     reclassifyStoredItems and notifyChange as ConfigReloader does after an edit, then the revert;
 *   - the measuring process's RSS, heap and peak RSS, to check memory stays flat in stored items.
 * Writes bench/results/scale-items.json. Env: SCALE_QUICK=1 (small sizes), SCALE_ITEMS (sizes,
 * comma-separated), BENCH_RUNS (render repetitions, default 9).
 */
import { stat, mkdtemp, rm, writeFile, mkdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import {
  CATEGORIES,
  QUICK,
  ROOT,
  benchSettings,
  dist,
  loadAverage,
  machine,
  median,
  MiB,
  peakRssMiB,
  progress,
  round,
  runJsonChild,
  timed,
  writePhase,
} from "./phase-io.mjs";

const SIZES = (process.env.SCALE_ITEMS ?? (QUICK ? "1500,3000,6000" : "10000,200000,1000000")).split(",").map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? (QUICK ? 3 : 9));
const say = (message) => progress("items", message);

/** Categories fed by their sources only, so a seeded store is already classified as the rules say. */
function categoriesYaml(edited) {
  const rules = {
    world: "[bench-world]",
    technology: "[bench-technology]",
    "morocco-economy": "[bench-morocco-economy]",
  };
  // The edit: a phrase about 1 % of the seeded items contain (bench/seed.mjs draws from 64 words).
  const extra = edited ? "\n      - keywords: [startup investment]" : "";
  return `categories:\n${CATEGORIES.map(
    (slug) =>
      `  - slug: ${slug}\n    title: ${slug}\n    description: Bench ${slug}\n    match:\n      - sources: ${rules[slug]}${slug === "technology" ? extra : ""}\n`,
  ).join("")}`;
}

async function writeConfig(dir, edited) {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, "categories.yaml"), categoriesYaml(edited));
  await writeFile(
    path.join(dir, "sources.yaml"),
    `sources:\n${CATEGORIES.map((slug) => `  - { id: bench-${slug}, kind: feed, url: https://bench.example.org/${slug}.xml, every: 10m, categories: [${slug}] }\n`).join("")}`,
  );
}

async function fileSize(file) {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

// ---- the measuring child -------------------------------------------------------------------------

async function measure(scratch, databaseUrl) {
  const { loadConfig } = await dist("config/config.js");
  const { readProduct } = await dist("app/product.js");
  const { startService } = await dist("app/service.js");
  const { compileClassifier } = await dist("classify/classifier.js");
  const { reclassifyStoredItems } = await dist("worker/reclassify.js");
  const { default: pino } = await import("pino");
  const { default: Database } = await import("better-sqlite3");
  const logger = pino({ level: "silent" });
  const configDir = path.join(scratch, "config");
  const editedDir = path.join(scratch, "config-edited");
  await writeConfig(configDir, false);
  await writeConfig(editedDir, true);
  const load = async (dir) => {
    const loaded = await loadConfig(dir, await readProduct());
    if (!loaded.ok) throw new Error(`scale: config rejected: ${JSON.stringify(loaded.problems)}`);
    return loaded.config;
  };
  const original = await load(configDir);
  const edited = await load(editedDir);

  const service = await startService(
    benchSettings(scratch, databaseUrl, configDir),
    { config: original, loadedAt: Date.now(), warnings: [] },
    { clock: Date.now, logger, runWorker: false, watchConfig: false },
  );
  const { runtime } = service;
  const values = {};
  try {
    await service.snapshots.idle();
    const variant = (slug, limit, before) => ({
      slug,
      format: "rss",
      query: { categories: slug === "all" ? [] : [slug], limit, page: 1, ...(before ? { before } : {}) },
    });
    const cold = async (v) => {
      const runs = [];
      let items = 0;
      for (let run = 0; run < RUNS; run++) {
        runtime.feeds.invalidateAll();
        const { ms, result } = await timed(() => runtime.feeds.render(v));
        runs.push(ms);
        items = result.itemCount;
      }
      if (items !== v.query.limit) throw new Error(`scale: ${v.slug} rendered ${items} items, not ${v.query.limit}`);
      return round(median(runs), 2);
    };
    values.render50_ms = await cold(variant("world", 50));
    values.render500_ms = await cold(variant("world", 500));
    values.render500_all_ms = await cold(variant("all", 500));

    // The cursor a reader following `next` links would hold halfway down the world feed.
    const db = new Database(databaseUrl.slice("sqlite:".length), { readonly: true });
    const stories = db.prepare("SELECT count(*) FROM story_categories WHERE slug = 'world'").pluck().get();
    const middle = db
      .prepare(
        "SELECT published, story_id AS id FROM story_categories WHERE slug = 'world' ORDER BY published DESC, story_id DESC LIMIT 1 OFFSET ?",
      )
      .get(Math.floor(stories / 2));
    db.close();
    values.before_mid_ms = await cold(variant("world", 50, middle));

    const databaseFile = databaseUrl.slice("sqlite:".length);
    values.store_mib = round(MiB((await fileSize(databaseFile)) + (await fileSize(`${databaseFile}-wal`))));

    // ConfigReloader's reclassifyNow: the edited rules over every stored item, then the change hooks.
    const reclassify = async (config) => {
      runtime.setConfigState({ config, loadedAt: Date.now(), warnings: [] });
      runtime.feeds.invalidateAll();
      const started = Date.now();
      const slugs = config.categories.map((category) => category.slug);
      const { ms, result } = await timed(async () => {
        const outcome = await reclassifyStoredItems(
          runtime.store,
          compileClassifier(config.categories),
          config.sources,
          started,
          slugs,
        );
        if (outcome.changed > 0) runtime.notifyChange({ changedCategories: outcome.changedCategories });
        return outcome;
      });
      return { ms, examined: result.examined, changed: result.changed };
    };
    const edit = await reclassify(edited);
    const revert = await reclassify(original);
    if (edit.changed === 0 || revert.changed !== edit.changed) {
      throw new Error(`scale: the edit moved ${edit.changed} items and the revert ${revert.changed}`);
    }
    values.reclassify_ms = Math.round(edit.ms);
    values.reclassify_revert_ms = Math.round(revert.ms);
    values.reclassified_items = edit.changed;
    await service.snapshots.idle();
    const memory = process.memoryUsage();
    values.rss_mib = round(MiB(memory.rss));
    values.heap_mib = round(MiB(memory.heapUsed));
    values.peak_rss_mib = round(peakRssMiB());
  } finally {
    await service.stop();
  }
  return values;
}

// ---- the orchestrating parent --------------------------------------------------------------------

async function main() {
  const scratch = await mkdtemp(path.join(os.tmpdir(), "scale-items-"));
  const databaseUrl = `sqlite:${path.join(scratch, "store.db")}`;
  const rows = [];
  const machineLine = machine();
  const started = performance.now();
  try {
    let seeded = 0;
    for (const size of SIZES) {
      say(`seeding ${seeded.toLocaleString("en-US")} → ${size.toLocaleString("en-US")} items (load ${loadAverage()})`);
      const seed = await runJsonChild(path.join(ROOT, "bench/seed.mjs"), [databaseUrl, String(size), String(seeded)]);
      seeded = size;
      say(`seeded ${seed.items} items in ${(seed.ms / 1000).toFixed(1)} s; measuring (load ${loadAverage()})`);
      const values = await runJsonChild(path.join(import.meta.filename), ["--measure", scratch, databaseUrl]);
      rows.push({
        x: size,
        values: {
          seed_items_per_s: Math.round(seed.items / (seed.ms / 1000)),
          ...values,
          load_1m: Number(loadAverage()),
        },
      });
      say(`${size}: ${JSON.stringify(values)}`);
      await writePhase(result(rows, machineLine, performance.now() - started));
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

function result(rows, machineLine, tookMs) {
  const largest = rows.at(-1);
  const smallest = rows[0];
  const rssGrowth = largest.values.rss_mib - smallest.values.rss_mib;
  return {
    phase: "items",
    title: "Stored items: render, paging, size and reclassification as the store grows (SQLite)",
    x: { name: "items", label: "stored items" },
    rows,
    columns: {
      seed_items_per_s: { label: "seeding rate (commitRun, batches of 2,000)", unit: "items/s" },
      render50_ms: { label: "cold render, world.rss, 50 items", unit: "ms" },
      render500_ms: { label: "cold render, world.rss, 500 items", unit: "ms" },
      render500_all_ms: { label: "cold render, all.rss, 500 items", unit: "ms" },
      before_mid_ms: { label: "cold render, ?before= cursor mid-feed, 50 items", unit: "ms" },
      store_mib: { label: "store on disk (db + wal)", unit: "MiB" },
      reclassify_ms: { label: "reclassification after a category edit", unit: "ms" },
      reclassify_revert_ms: { label: "reclassification after reverting it", unit: "ms" },
      reclassified_items: { label: "items the edit moved", unit: "items" },
      rss_mib: { label: "service RSS after the measurements", unit: "MiB" },
      heap_mib: { label: "service heap used after the measurements", unit: "MiB" },
      peak_rss_mib: { label: "service peak RSS", unit: "MiB" },
      load_1m: { label: "load average (1 min) after the size", unit: "" },
    },
    plots: [
      {
        title: "Cold render and paging vs stored items",
        columns: ["render50_ms", "render500_ms", "render500_all_ms", "before_mid_ms"],
        logX: true,
      },
      {
        title: "Reclassification after a category edit",
        columns: ["reclassify_ms", "reclassify_revert_ms"],
        logX: true,
      },
      { title: "Service memory vs stored items", columns: ["rss_mib", "heap_mib", "peak_rss_mib"], logX: true },
    ],
    goals: [
      {
        text: `cold render of 500 items from ${largest.x.toLocaleString("en-US")} stored < 50 ms`,
        met: largest.values.render500_ms < 50 && largest.values.render500_all_ms < 50,
        value: `world ${largest.values.render500_ms} ms, all ${largest.values.render500_all_ms} ms`,
      },
      {
        text: "memory flat in the number of stored items (RSS grows < 25 %)",
        met: rssGrowth < 0.25 * smallest.values.rss_mib,
        value: `RSS ${smallest.values.rss_mib} → ${largest.values.rss_mib} MiB, peak ${smallest.values.peak_rss_mib} → ${largest.values.peak_rss_mib} MiB`,
      },
    ],
    notes: [
      "One SQLite store grown in steps by bench/seed.mjs (3 categories, varied prose, one story per item); each size measured in a fresh service process.",
      `Cold render: FeedService.render with the render cache cleared before each of ${RUNS} runs (median); SQLite's page cache and the OS file cache stay warm.`,
      "Reclassification: the edit adds `keywords: [startup investment]` to technology; timed as ConfigReloader runs it (reclassifyStoredItems + notifyChange).",
      `The whole phase took ${(tookMs / 1000).toFixed(0)} s.`,
    ],
    machine: machineLine,
  };
}

if (process.argv[2] === "--measure") {
  const [, , , scratch, databaseUrl] = process.argv;
  console.log(JSON.stringify(await measure(scratch, databaseUrl)));
} else {
  await main();
}
