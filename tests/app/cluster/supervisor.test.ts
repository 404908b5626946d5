/**
 * The cluster primary (issue 12) with a fake fork: which roles it forks, what it relays, how it
 * refills a slot whose process died, and how it stops. The real node:cluster path is exercised
 * end to end by tests/cli/cluster.test.ts.
 */
import pino from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { PrimaryMessage, ProcessRole } from "../../../src/app/cluster/messages.js";
import { superviseProcesses, type ForkedProcess, type SupervisorOptions } from "../../../src/app/cluster/supervisor.js";

class FakeProcess implements ForkedProcess {
  readonly sent: PrimaryMessage[] = [];
  readonly signals: NodeJS.Signals[] = [];
  #message: Array<(message: unknown) => void> = [];
  #exit: Array<(code: number | null, signal: NodeJS.Signals | null) => void> = [];
  constructor(
    readonly pid: number,
    readonly role: ProcessRole,
  ) {}
  send(message: PrimaryMessage): void {
    this.sent.push(message);
  }
  kill(signal: NodeJS.Signals): void {
    this.signals.push(signal);
  }
  onMessage(listener: (message: unknown) => void): void {
    this.#message.push(listener);
  }
  onExit(listener: (code: number | null, signal: NodeJS.Signals | null) => void): void {
    this.#exit.push(listener);
  }
  ready(): void {
    this.say({ feedPublisher: "ready" });
  }
  say(message: unknown): void {
    for (const listener of this.#message) listener(message);
  }
  exit(code: number | null, signal: NodeJS.Signals | null = null): void {
    for (const listener of this.#exit) listener(code, signal);
  }
}

function harness(overrides: Partial<SupervisorOptions> = {}) {
  const forked: FakeProcess[] = [];
  let nextPid = 100;
  const supervisor = superviseProcesses({
    servers: 2,
    fork: (role) => {
      const child = new FakeProcess(nextPid++, role);
      forked.push(child);
      return child;
    },
    clock: Date.now,
    logger: pino({ level: "silent" }),
    restartDelayMs: { min: 1_000, max: 8_000 },
    stableAfterMs: 60_000,
    shutdownTimeoutMs: 30_000,
    rosterEveryMs: 5_000,
    aggregateMetrics: async (parts) => ({ contentType: "text/plain", body: JSON.stringify(parts) }),
    metricsTimeoutMs: 3_000,
    ...overrides,
  });
  const readyAll = (): void => forked.forEach((child) => child.ready());
  return { supervisor, forked, readyAll };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("superviseProcesses", () => {
  it("forks one collector and WEB_CONCURRENCY servers, and starts once every one is ready", async () => {
    const { supervisor, forked } = harness();
    expect(forked.map((child) => child.role)).toEqual(["collector", "server", "server"]);
    let started = false;
    void supervisor.started.then(() => (started = true));
    forked[0]?.ready();
    forked[1]?.ready();
    await Promise.resolve();
    expect(started).toBe(false);
    forked[2]?.ready();
    await supervisor.started;
    expect(supervisor.roster().map((info) => [info.pid, info.role])).toEqual([
      [100, "collector"],
      [101, "server"],
      [102, "server"],
    ]);
  });

  it("relays a store change to every other process, not back to its sender", () => {
    const { forked, readyAll } = harness();
    readyAll();
    forked[1]?.say({ feedPublisher: "store-changed" });
    const changes = (child: FakeProcess | undefined): number =>
      child?.sent.filter((message) => message.feedPublisher === "store-changed").length ?? -1;
    expect(forked.map(changes)).toEqual([1, 0, 1]);
  });

  it("ignores messages that are not its own protocol", () => {
    const { forked, readyAll } = harness();
    readyAll();
    forked[0]?.say({ type: "prom-client:getMetricsRes" });
    forked[0]?.say("store-changed");
    forked[0]?.say({ feedPublisher: "heartbeat", rssBytes: "a lot" });
    expect(forked.flatMap((child) => child.sent).filter((m) => m.feedPublisher !== "roster")).toEqual([]);
    expect(reportedMemory(forked)).toEqual([]);
  });

  it("shows the memory each process reported in the roster it sends every few seconds", () => {
    vi.useFakeTimers();
    const { supervisor, forked, readyAll } = harness();
    readyAll();
    forked[1]?.say({ feedPublisher: "heartbeat", rssBytes: 90_000_000 });
    expect(supervisor.roster()[1]?.rssBytes).toBe(90_000_000);
    const rosters = (): PrimaryMessage[] =>
      forked[0]?.sent.filter((message) => message.feedPublisher === "roster") ?? [];
    const before = rosters().length;
    vi.advanceTimersByTime(5_000);
    expect(rosters()).toHaveLength(before + 1);
    expect(rosters().at(-1)).toMatchObject({
      processes: [{ pid: 100 }, { pid: 101, rssBytes: 90_000_000 }, { pid: 102 }],
    });
  });

  it("passes a reload to every process as a message", () => {
    const { supervisor, forked, readyAll } = harness();
    readyAll();
    supervisor.reload("SIGHUP");
    for (const child of forked) expect(child.sent).toContainEqual({ feedPublisher: "reload", reason: "SIGHUP" });
    expect(forked.flatMap((child) => child.signals)).toEqual([]);
  });

  it("forks a dead process's role again, sooner after a long life, doubling after quick deaths", () => {
    vi.useFakeTimers();
    const { supervisor, forked, readyAll } = harness({ servers: 1 });
    readyAll();
    vi.advanceTimersByTime(120_000); // a long life: the first death waits the minimum
    forked[0]?.exit(null, "SIGKILL");
    expect(forked).toHaveLength(2);
    vi.advanceTimersByTime(999);
    expect(forked).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(forked).toHaveLength(3);
    expect(forked[2]?.role).toBe("collector");
    forked[2]?.ready();
    expect(supervisor.roster().find((info) => info.role === "collector")).toMatchObject({ pid: 102, restarts: 1 });
    // Dies again at once, then again: 1 s, then 2 s.
    forked[2]?.exit(1);
    vi.advanceTimersByTime(1_000);
    expect(forked).toHaveLength(4);
    forked[3]?.exit(1);
    vi.advanceTimersByTime(1_999);
    expect(forked).toHaveLength(4);
    vi.advanceTimersByTime(1);
    expect(forked).toHaveLength(5);
    // The delay stops growing at the maximum.
    for (let death = 0; death < 6; death++) {
      forked.at(-1)?.exit(1);
      vi.advanceTimersByTime(8_000);
    }
    expect(forked).toHaveLength(11);
  });

  it("stops every process when one exits while starting, and ends with code 1", async () => {
    const { supervisor, forked } = harness();
    forked[0]?.ready();
    forked[1]?.exit(1);
    await expect(supervisor.started).rejects.toThrow(/server process exited while starting/);
    expect(forked[0]?.signals).toEqual(["SIGTERM"]);
    expect(forked[2]?.signals).toEqual(["SIGTERM"]);
    forked[0]?.exit(0);
    forked[2]?.exit(0);
    expect(await supervisor.done).toBe(1);
    expect(forked).toHaveLength(3);
  });

  it("stops with SIGTERM, kills a process that outlives the timeout, and forks nothing more", async () => {
    vi.useFakeTimers();
    const { supervisor, forked, readyAll } = harness({ servers: 1 });
    readyAll();
    const stopped = supervisor.stop();
    expect(forked.map((child) => child.signals)).toEqual([["SIGTERM"], ["SIGTERM"]]);
    forked[0]?.exit(0);
    vi.advanceTimersByTime(29_999);
    expect(forked[1]?.signals).toEqual(["SIGTERM"]);
    vi.advanceTimersByTime(1);
    expect(forked[1]?.signals).toEqual(["SIGTERM", "SIGKILL"]);
    forked[1]?.exit(null, "SIGKILL");
    vi.advanceTimersByTime(60_000);
    expect(forked).toHaveLength(2);
    expect(await stopped).toBe(1);
  });

  it("ends with code 0 when every process stops cleanly, even after replacing one that died", async () => {
    vi.useFakeTimers();
    const { supervisor, forked, readyAll } = harness({ servers: 1 });
    readyAll();
    forked[1]?.exit(null, "SIGKILL");
    vi.advanceTimersByTime(1_000);
    forked[2]?.ready();
    const stopped = supervisor.stop();
    expect(forked.map((child) => child.signals)).toEqual([["SIGTERM"], [], ["SIGTERM"]]);
    forked[0]?.exit(0);
    forked[2]?.exit(0);
    expect(await stopped).toBe(0);
  });
});

describe("metrics across processes", () => {
  const answers = (child: FakeProcess | undefined): PrimaryMessage[] =>
    child?.sent.filter((message) => message.feedPublisher === "metrics") ?? [];
  const collect = (child: FakeProcess | undefined): number => {
    const asked = child?.sent.filter((message) => message.feedPublisher === "metrics-collect").at(-1);
    if (asked?.feedPublisher !== "metrics-collect") throw new Error("not asked for metrics");
    return asked.id;
  };

  it("asks every process for its part and answers the one that asked with all of them", async () => {
    const { forked, readyAll } = harness();
    readyAll();
    forked[1]?.say({ feedPublisher: "metrics-request", id: 7 });
    const id = collect(forked[0]);
    expect([collect(forked[1]), collect(forked[2])]).toEqual([id, id]);
    forked[0]?.say({ feedPublisher: "metrics-part", id, metrics: [{ name: "a" }] });
    forked[2]?.say({ feedPublisher: "metrics-part", id, metrics: [{ name: "c" }] });
    expect(answers(forked[1])).toEqual([]);
    forked[1]?.say({ feedPublisher: "metrics-part", id, metrics: [{ name: "b" }] });
    await vi.waitFor(() => expect(answers(forked[1])).toHaveLength(1));
    expect(answers(forked[1])[0]).toEqual({
      feedPublisher: "metrics",
      id: 7,
      exposition: {
        contentType: "text/plain",
        body: JSON.stringify([[{ name: "a" }], [{ name: "c" }], [{ name: "b" }]]),
      },
    });
    expect(answers(forked[0])).toEqual([]);
  });

  it("answers with the parts it has when a process dies before sending its own", async () => {
    const { forked, readyAll } = harness({ servers: 1 });
    readyAll();
    forked[1]?.say({ feedPublisher: "metrics-request", id: 4 });
    const id = collect(forked[1]);
    forked[1]?.say({ feedPublisher: "metrics-part", id, metrics: [{ name: "b" }] });
    forked[0]?.exit(null, "SIGKILL");
    await vi.waitFor(() => expect(answers(forked[1])).toHaveLength(1));
    expect(answers(forked[1])[0]).toEqual({
      feedPublisher: "metrics",
      id: 4,
      exposition: { contentType: "text/plain", body: JSON.stringify([[{ name: "b" }]]) },
    });
  });

  it("fails the scrape at once with the reason a process could not read its metrics", () => {
    const { forked, readyAll } = harness({ servers: 1 });
    readyAll();
    forked[1]?.say({ feedPublisher: "metrics-request", id: 5 });
    const id = collect(forked[1]);
    forked[0]?.say({ feedPublisher: "metrics-part", id, metrics: [], error: "store: database is locked" });
    expect(answers(forked[1])).toEqual([
      {
        feedPublisher: "metrics",
        id: 5,
        error: "process 100 could not read its metrics: store: database is locked",
      },
    ]);
  });

  it("fails the scrape, naming the process, when a part does not come in time", () => {
    vi.useFakeTimers();
    const { forked, readyAll } = harness({ servers: 1 });
    readyAll();
    forked[0]?.say({ feedPublisher: "metrics-request", id: 1 });
    const id = collect(forked[0]);
    forked[0]?.say({ feedPublisher: "metrics-part", id, metrics: [] });
    vi.advanceTimersByTime(3_000);
    expect(answers(forked[0])).toEqual([
      { feedPublisher: "metrics", id: 1, error: "process 101 did not send its metrics within 3000 ms" },
    ]);
  });
});

function reportedMemory(forked: readonly FakeProcess[]): unknown[] {
  return forked.flatMap((child) =>
    child.sent.flatMap((message) =>
      message.feedPublisher === "roster" ? message.processes.filter((info) => info.rssBytes !== undefined) : [],
    ),
  );
}
