#!/usr/bin/env node
/**
 * `node bench/node-floor.mjs` (after `npm run build`): what a 304 costs below the feed service, to
 * tell the machine's and Node's share of the gap to nginx (`npm run bench`) from our code's.
 * Loads, one after the other, in a child process each, under the same wrk load as `npm run bench`:
 *   - raw: bench/fixed-bytes-server.mjs, one process writing fixed 304 bytes for every request
 *     head (no parsing at all), the floor for any Node server on this machine;
 *   - lane: the service's HTTP server (dist/http/server.js, the fast lane) with a responder that
 *     returns one fixed 304: the lane's own cost, without the feed responder, metrics or store.
 * Prints req/s and the server process's CPU per request (utime + stime from /proc, Linux only).
 * Env: BENCH_DURATION (wrk seconds, default 8), BENCH_CONNECTIONS (64), BENCH_THREADS (2).
 */
import { spawn, spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

const ROOT = path.resolve(import.meta.dirname, "..");
const DURATION = Number(process.env.BENCH_DURATION ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const THREADS = Number(process.env.BENCH_THREADS ?? 2);
const HEAD = 'HTTP/1.1 304 Not Modified\r\nETag: "x"\r\nCache-Control: public, max-age=900\r\n';

/** The servers, each a command that prints its port once listening. */
const SERVERS = {
  raw: (responseFile) => [path.join(ROOT, "bench/fixed-bytes-server.mjs"), "1", responseFile],
  lane: () => [
    "--input-type=module",
    "-e",
    `
    const { createHttpServer } = await import(${JSON.stringify(pathToFileURL(path.join(ROOT, "dist/http/server.js")).href)});
    const head = Buffer.from(${JSON.stringify(HEAD)}, "latin1");
    const feeds = { respond: () => ({ status: 304, head, fields: [] }), reset() {} };
    const logger = { warn() {}, error() {}, info() {}, debug() {} };
    const server = createHttpServer(() => undefined, feeds, logger, Date.now);
    server.listen(0, "127.0.0.1", () => console.log(server.address().port));`,
  ],
};

/** utime + stime of `pid` and every process below it (a cluster's workers), in clock ticks. */
function treeCpuTicks(pid) {
  const stats = readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => {
      try {
        // Fields after "(comm) ": state, ppid, …; utime and stime are the 12th and 13th of them.
        const fields = readFileSync(`/proc/${name}/stat`, "utf8").split(") ")[1].split(" ");
        return [{ pid: Number(name), ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) }];
      } catch {
        return []; // gone meanwhile
      }
    });
  const inTree = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const stat of stats)
      if (!inTree.has(stat.pid) && inTree.has(stat.ppid)) grew = inTree.add(stat.pid) !== undefined;
  }
  return stats.filter((stat) => inTree.has(stat.pid)).reduce((sum, stat) => sum + stat.ticks, 0);
}

function wrk(url, seconds) {
  const run = spawnSync("wrk", [`-t${THREADS}`, `-c${CONNECTIONS}`, `-d${seconds}s`, url], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`bench: wrk failed: ${run.stderr || run.stdout}`);
  return Number(/(\d+) requests in/.exec(run.stdout)?.[1] ?? 0);
}

async function measure(name, responseFile) {
  const child = spawn(process.execPath, SERVERS[name](responseFile), { stdio: ["ignore", "pipe", "inherit"] });
  try {
    const port = await new Promise((resolve, reject) => {
      child.stdout.setEncoding("utf8").once("data", (line) => resolve(Number(line.trim())));
      child.once("exit", (code) => reject(new Error(`bench: the ${name} server exited (${code})`)));
    });
    const url = `http://127.0.0.1:${port}/feeds/world.rss`;
    wrk(url, 2); // warm-up
    const before = treeCpuTicks(child.pid);
    const requests = wrk(url, DURATION);
    const ticks = treeCpuTicks(child.pid) - before;
    const tickSeconds = 1 / Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim() || 100);
    const perRequestUs = (ticks * tickSeconds * 1e6) / requests;
    console.log(
      `| ${name} | ${Math.round(requests / DURATION).toLocaleString("en")} | ${perRequestUs.toFixed(1)} µs |`,
    );
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("close", resolve));
      child.kill("SIGTERM");
      await exited; // the next server starts on a machine this one has left
    }
  }
}

console.log(`wrk -t${THREADS} -c${CONNECTIONS} -d${DURATION}s, a 304 for every request\n`);
console.log("| server | req/s | server CPU per request |\n| --- | ---: | ---: |");
const scratch = await mkdtemp(path.join(os.tmpdir(), "node-floor-"));
try {
  const responseFile = path.join(scratch, "304.http");
  await writeFile(responseFile, `${HEAD}Date: ${new Date().toUTCString()}\r\nConnection: keep-alive\r\n\r\n`, "latin1");
  for (const name of Object.keys(SERVERS)) await measure(name, responseFile);
} finally {
  await rm(scratch, { recursive: true, force: true });
}
