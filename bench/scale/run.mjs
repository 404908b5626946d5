#!/usr/bin/env node
/**
 * `npm run bench:scale`: the measured cost curves of issue 12 §2, on this machine, loopback only.
 * Runs each phase script (bench/scale/PHASE.mjs) in its own child process, bounded in time, in
 * this order:
 *   sources  collect pass vs 10 → 1,000 → 10,000 configured sources, mostly 304 (sources.mjs)
 *   latency  feed p50/p99 while a 10,000-source pass runs on the serving process (latency.mjs)
 *   items    render, paging, store size and reclassification vs stored items (items.mjs)
 *   websub   time to the last delivery and memory vs subscribers (websub.mjs)
 * A phase whose script is not there is skipped with a note. Each phase writes
 * bench/results/scale-PHASE.json (schema: report.mjs); then report.mjs turns every
 * scale-*.json present, this run's and earlier ones, into bench/results/scale.md and scale.svg.
 *
 * Env: SCALE_PHASES=sources,latency,items,websub (which, in that order); SCALE_QUICK=1 (small
 * sizes: a smoke run of a minute or two); SCALE_TIMEOUT_S (each phase's bound, overriding the
 * defaults below). Runs the built code: `npm run bench:scale` builds first when src/ changed.
 * Exits 1 when a phase failed or ran out of time (the others still run and are reported).
 */
import { clearTimeout } from "node:timers";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { QUICK, RESULTS, log } from "./common.mjs";
import { writeReport } from "./report.mjs";

/**
 * Each phase's time bound (s), a cap for a loaded machine: on a quiet 2-core VM sources and latency
 * take about 3–4 minutes each. A phase writes its JSON as it goes, so a stopped one keeps its rows.
 */
const BOUNDS = { sources: 600, latency: 600, items: 600, websub: 300 };
const PHASES = (process.env.SCALE_PHASES ?? Object.keys(BOUNDS).join(","))
  .split(",")
  .map((phase) => phase.trim())
  .filter(Boolean);

function runPhase(phase, script, boundS) {
  return new Promise((resolve) => {
    // Its own process group, so a phase out of time is stopped with the children it started.
    const child = spawn(process.execPath, [script], { stdio: "inherit", detached: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      log(`${phase}: still running after ${boundS} s: stopping it`);
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
      setTimeout(() => {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // already gone
        }
      }, 5_000).unref();
    }, boundS * 1000);
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ ok: false, why: error.message });
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (timedOut) resolve({ ok: false, why: `stopped after ${boundS} s` });
      else resolve(code === 0 ? { ok: true } : { ok: false, why: `exited ${code ?? signal}` });
    });
  });
}

const outcomes = [];
const started = performance.now();
log(`phases ${PHASES.join(", ")}${QUICK ? " (SCALE_QUICK: small sizes)" : ""}; results in ${RESULTS}`);
for (const phase of PHASES) {
  const script = path.join(import.meta.dirname, `${phase}.mjs`);
  if (!/^[\w-]+$/.test(phase) || !existsSync(script)) {
    log(`${phase}: skipped (no bench/scale/${phase}.mjs)`);
    outcomes.push({ phase, ok: true, why: "skipped" });
    continue;
  }
  const boundS = Number(process.env.SCALE_TIMEOUT_S ?? BOUNDS[phase] ?? 600);
  const phaseStart = performance.now();
  log(`${phase}: start (bound ${boundS} s)`);
  const outcome = await runPhase(phase, script, boundS);
  log(
    `${phase}: ${outcome.ok ? "done" : `FAILED (${outcome.why})`} in ${((performance.now() - phaseStart) / 1000).toFixed(0)} s`,
  );
  outcomes.push({ phase, ...outcome });
}
const reported = await writeReport(RESULTS);
log(
  `report: ${reported.join(", ") || "no phases"} → bench/results/scale.md, scale.svg (${((performance.now() - started) / 1000).toFixed(0)} s in all)`,
);
const failed = outcomes.filter((outcome) => !outcome.ok);
if (failed.length > 0) {
  log(`failed: ${failed.map((outcome) => `${outcome.phase} (${outcome.why})`).join(", ")}`);
  process.exitCode = 1;
}
