/**
 * `serve` from several processes (issue 12), for real: node:cluster forks two servers sharing the
 * port and one collector that serves nothing, the roster on /status.json, one aggregated
 * /metrics, render caches kept coherent, SIGHUP passed on, a killed process forked again, and
 * SIGTERM stopping them all with exit 0.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileSrc, REPO, type CompiledSrc } from "../compiled-src.js";
import { eventually } from "../store/postgres-test-db.js";
import { runServe, type LogLine } from "./serve-process.js";

let compiled: CompiledSrc | undefined;
let mainScript: string;

beforeAll(async () => {
  compiled = await compileSrc("cluster-", ["-p", join(REPO, "tsconfig.build.json"), "--sourceMap", "false"]);
  mainScript = join(compiled.out, "main.js");
}, 120_000);

afterAll(() => compiled?.remove());

const story = (n: number): string =>
  `<item><title>Council report number ${n}</title><link>https://wire.example.org/${n}</link><guid>https://wire.example.org/${n}</guid><pubDate>Mon, 30 Nov 2026 0${n}:00:00 GMT</pubDate></item>`;
const RSS = (count: number): string =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><link>https://wire.example.org/</link><description>d</description>${Array.from({ length: count }, (_, i) => story(count - i)).join("")}</channel></rss>`;

/** An upstream whose feed grows on demand, counting the requests it answers. */
async function upstream(): Promise<{ server: Server; url: string; requests: () => number; grow: () => void }> {
  let count = 1;
  let requests = 0;
  const server = createServer((_req, res) => {
    requests++;
    res.writeHead(200, { "content-type": "application/rss+xml" }).end(RSS(count));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/rss`,
    requests: () => requests,
    grow: () => void count++,
  };
}

/** One request on a connection of its own, so the primary hands each to the next process. */
function fresh(
  url: string,
  init: { method?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, method: init.method ?? "GET", headers: init.headers ?? {} }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.once("error", reject);
    req.end();
  });
}

interface Status {
  worker: { leader: boolean };
  processes: { answeredBy: number; list: Array<{ pid: number; role: string; restarts: number; rssBytes?: number }> };
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("serve with WEB_CONCURRENCY=2", () => {
  it("serves from two processes that stay coherent with the collector, restarts a dead one and stops on SIGTERM", async () => {
    const wire = await upstream();
    const dir = mkdtempSync(join(tmpdir(), "cluster-run-"));
    mkdirSync(join(dir, "config"));
    writeFileSync(
      join(dir, "config", "sources.yaml"),
      `sources:\n  - { id: wire, kind: feed, url: "${wire.url}", every: 1h, categories: [world] }\n`,
    );
    writeFileSync(
      join(dir, "config", "categories.yaml"),
      "categories:\n  - { slug: world, title: World, description: World news, match: [] }\n",
    );
    const running = runServe(mainScript, {
      BASE_URL: "http://feeds.example.org",
      PORT: "0",
      HOST: "127.0.0.1",
      CONFIG_DIR: join(dir, "config"),
      DATABASE_URL: `sqlite:${join(dir, "feeds.db")}`,
      FEEDS_DIR: join(dir, "feeds"),
      LOG_LEVEL: "info",
      ADMIN_TOKEN: "cluster-test",
      WEB_CONCURRENCY: "2",
    });
    const pids: number[] = [];
    try {
      const started = await running.logged(/^serving from 2 processes, collecting in one more$/);
      const roster = started.processes as Array<{ pid: number; role: string }>;
      expect(roster.map((info) => info.role)).toEqual(["collector", "server", "server"]);
      const [collector, server, otherServer] = roster.map((info) => info.pid) as [number, number, number];
      pids.push(Number(started.pid), collector, server, otherServer);
      const origin = String((await running.logged(/^serving feeds$/)).address);
      // The collector serves nothing: a collect pass never delays a poll.
      expect(running.lines.filter((line) => line.msg === "serving feeds").map((line) => line.pid)).not.toContain(
        collector,
      );

      // Connections go to both servers; each says who answered, and that it does not collect.
      const answeredBy = new Set<number>();
      await eventually("both servers answered /status.json", async () => {
        const status = JSON.parse((await fresh(`${origin}/status.json`)).body) as Status;
        answeredBy.add(status.processes.answeredBy);
        expect(status.worker.leader).toBe(false);
        expect(status.processes.list.map((info) => [info.pid, info.role])).toEqual([
          [collector, "collector"],
          [server, "server"],
          [otherServer, "server"],
        ]);
        return answeredBy.size === 2;
      });
      expect([...answeredBy].sort()).toEqual([server, otherServer].sort());

      // A scrape shows every process whichever answers: the collector leads, no server does.
      for (let scrape = 0; scrape < 4; scrape++) {
        const metrics = await fresh(`${origin}/metrics`);
        expect(metrics.status).toBe(200);
        expect(metrics.body).toMatch(/^feeds_worker_leader 1$/m);
      }

      // Every process's cache follows a change, whichever process made it.
      await running.logged(/^source collected$/);
      const titles = async (): Promise<number> =>
        (JSON.parse((await fresh(`${origin}/feeds/world.json`)).body) as { items: unknown[] }).items.length;
      expect([await titles(), await titles(), await titles(), await titles()]).toEqual([1, 1, 1, 1]);
      wire.grow();
      const refresh = await fresh(`${origin}/admin/sources/wire/refresh`, {
        method: "POST",
        headers: { authorization: "Bearer cluster-test" },
      });
      expect(refresh.status).toBe(202);
      await eventually(
        "every process answers the new story",
        async () => [await titles(), await titles(), await titles(), await titles()].every((n) => n === 2),
        10_000,
      );

      // SIGHUP to the primary reloads the config in each process.
      running.child.kill("SIGHUP");
      for (const pid of [collector, server, otherServer]) {
        const reloaded = await running.logged(/^config reloaded$/, (line) => line.pid === pid);
        expect(reloaded.reason).toBe("SIGHUP");
      }

      // A process that dies is forked again in its role.
      process.kill(server, "SIGKILL");
      const died = await running.logged(/^a serving process died; forking another$/);
      expect(died).toMatchObject({ member: { pid: server, role: "server" }, signal: "SIGKILL" });
      const replacement = Number(
        (await running.logged(/^serving feeds$/, (line) => line.role === "server" && !pids.includes(Number(line.pid))))
          .pid,
      );
      pids.push(replacement);
      await eventually("the roster shows the new process", async () => {
        const status = JSON.parse((await fresh(`${origin}/status.json`)).body) as Status;
        return status.processes.list.some((info) => info.pid === replacement && info.restarts === 1);
      });

      running.child.kill("SIGTERM");
      expect(await running.exited).toBe(0);
      await running.logged(/^every serving process stopped$/);
      expect(pids.filter(alive)).toEqual([]);
      // One collector: the start-up pass and the admin refresh, nothing from the servers.
      expect(wire.requests()).toBe(2);
      const collected = running.lines.filter((line: LogLine) => line.msg === "source collected");
      expect(collected.length).toBe(2);
    } finally {
      for (const pid of pids.filter(alive)) process.kill(pid, "SIGKILL");
      wire.server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
