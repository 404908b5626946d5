import { describe, expect, it } from "vitest";
import { createLimiter, hostOf } from "../../src/worker/limiter.js";

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe("createLimiter", () => {
  it("never runs more than `concurrency` tasks, nor more than `perHost` per host", async () => {
    const limiter = createLimiter(3, 1);
    const running = new Map<string, number>();
    let peak = 0;
    let peakPerHost = 0;
    const gates = Array.from({ length: 8 }, () => deferred());
    const tasks = gates.map((gate, i) => {
      const host = `h${i % 4}`;
      return limiter.run(host, async () => {
        running.set(host, (running.get(host) ?? 0) + 1);
        peak = Math.max(
          peak,
          [...running.values()].reduce((a, b) => a + b, 0),
        );
        peakPerHost = Math.max(peakPerHost, ...running.values());
        await gate.promise;
        running.set(host, (running.get(host) ?? 1) - 1);
        return i;
      });
    });
    for (const gate of gates) {
      await new Promise((r) => setTimeout(r, 1));
      gate.resolve();
    }
    expect(await Promise.all(tasks)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(peak).toBe(3);
    expect(peakPerHost).toBe(1);
  });

  it("applies new bounds from a config reload to the tasks waiting", async () => {
    const limiter = createLimiter(1, 1);
    const gate = deferred();
    const started: string[] = [];
    const tasks = ["a", "b", "c"].map((host) =>
      limiter.run(host, async () => {
        started.push(host);
        await gate.promise;
      }),
    );
    await new Promise((r) => setTimeout(r, 5));
    expect(started).toEqual(["a"]);
    limiter.setLimits(3, 1);
    expect(started).toEqual(["a", "b", "c"]);
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
