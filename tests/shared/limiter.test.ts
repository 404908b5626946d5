import { describe, expect, it } from "vitest";
import { createLimiter, hostOf } from "../../src/shared/limiter.js";

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe("createLimiter", () => {
  it("never runs more than `concurrency` tasks at once", async () => {
    const limiter = createLimiter(3, 8);
    let running = 0;
    let peak = 0;
    const gates = Array.from({ length: 8 }, () => deferred());
    const started = Array.from({ length: 8 }, () => deferred());
    const tasks = gates.map((gate, i) =>
      limiter.run(`h${i}`, async () => {
        running++;
        peak = Math.max(peak, running);
        started[i]?.resolve();
        await gate.promise;
        running--;
        return i;
      }),
    );
    expect(running).toBe(3);
    // Each finished task lets exactly one waiting task start.
    for (let i = 0; i < 5; i++) {
      gates[i]?.resolve();
      await started[i + 3]?.promise;
      expect(running).toBe(3);
    }
    for (const gate of gates) gate.resolve();
    expect(await Promise.all(tasks)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(peak).toBe(3);
  });

  it("never runs more than `perHost` tasks against one host, while other hosts go ahead (bug: the old test released tasks on distinct hosts in start order, so a limiter ignoring per_host passed it)", async () => {
    const limiter = createLimiter(8, 2);
    const started: string[] = [];
    const gates = new Map<string, { promise: Promise<void>; resolve: () => void }>();
    const startedSignal = new Map<string, { promise: Promise<void>; resolve: () => void }>();
    const task = (host: string, name: string): Promise<string> => {
      const gate = deferred();
      const signal = deferred();
      gates.set(name, gate);
      startedSignal.set(name, signal);
      return limiter.run(host, async () => {
        started.push(name);
        signal.resolve();
        await gate.promise;
        return name;
      });
    };
    const tasks = [task("a", "a1"), task("a", "a2"), task("a", "a3"), task("b", "b1"), task("a", "a4")];
    expect(started).toEqual(["a1", "a2", "b1"]);
    gates.get("a2")?.resolve();
    await startedSignal.get("a3")?.promise;
    expect(started).toEqual(["a1", "a2", "b1", "a3"]);
    for (const gate of gates.values()) gate.resolve();
    expect(await Promise.all(tasks)).toEqual(["a1", "a2", "a3", "b1", "a4"]);
    expect(started).toEqual(["a1", "a2", "b1", "a3", "a4"]);
  });

  it("applies new bounds from a config reload to the tasks waiting", async () => {
    const limiter = createLimiter(1, 1);
    const gate = deferred();
    const started: string[] = [];
    const tasks = ["a", "b", "c", "c"].map((host) =>
      limiter.run(host, async () => {
        started.push(host);
        await gate.promise;
      }),
    );
    expect(started).toEqual(["a"]);
    limiter.setLimits(3, 1);
    expect(started).toEqual(["a", "b", "c"]);
    limiter.setLimits(4, 2);
    expect(started).toEqual(["a", "b", "c", "c"]);
    gate.resolve();
    await Promise.all(tasks);
  });

  it("frees the slot when a task fails", async () => {
    const limiter = createLimiter(1, 1);
    await expect(limiter.run("a", () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(limiter.run("a", () => Promise.resolve(42))).resolves.toBe(42);
  });

  it("groups sources by host", () => {
    expect(hostOf("https://example.org/a")).toBe("example.org");
    expect(hostOf("file:///etc/x")).toBe("file:");
  });
});
