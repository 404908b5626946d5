import { describe, expect, it, vi } from "vitest";
import { createNextRuns, nextRuns } from "../../src/app/freshness.js";
import type { Source, SourceState } from "../../src/model/index.js";
import { nextRunAt } from "../../src/worker/next-run.js";

const NOW = Date.parse("2026-11-25T10:03:27.250Z");
const BOUNDS = { minSeconds: 30, maxSeconds: 900 };

const source = (id: string, schedule: Source["schedule"]): Source => ({
  id,
  kind: "feed",
  url: `https://example.org/${id}.rss`,
  schedule,
  categories: [],
  enabled: true,
  retention: { maxItemsPerSource: 100, maxAgeMs: 90 * 86_400_000 },
});

const state = (sourceId: string, fields: Partial<SourceState>): SourceState => ({
  sourceId,
  consecutiveFailures: 0,
  itemsCollected: 0,
  warnings: [],
  ...fields,
});

const SOURCES = [
  source("every-10m", { every: 600_000 }),
  source("every-7m", { every: 420_000 }),
  source("every-30s", { every: 30_000 }),
  source("cron-hourly", { cron: "0 5 * * * *" }),
  source("daily", { every: 86_400_000 }),
];

describe("createNextRuns (max-age's next runs, remembered while they hold)", () => {
  it("answers what nextRuns computes afresh, as time passes and source states change", () => {
    const remembered = createNextRuns();
    let states = new Map<string, SourceState>();
    for (let now = NOW; now < NOW + 40 * 60_000; now += 7_000) {
      // Every 3 minutes a source runs (lastRunAt moves) and one backs off (nextAttemptAt).
      if ((now - NOW) % 180_000 < 7_000) {
        states = new Map(states);
        const which = SOURCES[Math.floor((now - NOW) / 180_000) % SOURCES.length] as Source;
        states.set(which.id, state(which.id, { lastRunAt: now - 1_000 }));
        states.set("every-30s", state("every-30s", { lastRunAt: now - 2_000, nextAttemptAt: now + 95_000 }));
      }
      expect(remembered(SOURCES, states, now, BOUNDS), new Date(now).toISOString()).toEqual(
        nextRuns(SOURCES, states, now, BOUNDS),
      );
    }
  });

  it("computes a source again only when its time has come, its state or its config changed", () => {
    const compute = vi.fn(nextRunAt);
    const remembered = createNextRuns(compute);
    const tenMinutes = source("every-10m", { every: 600_000 });
    const first = remembered([tenMinutes], new Map(), NOW, BOUNDS)[0] as number;
    expect(first).toBeGreaterThan(NOW);
    expect(compute).toHaveBeenCalledTimes(1);

    // A second later, a fresh (equal) states map: nothing to compute, the same answer.
    const sameState = new Map([["every-10m", state("every-10m", {})]]);
    expect(remembered([tenMinutes], sameState, NOW + 1_000, BOUNDS)).toEqual([first]);
    expect(compute).toHaveBeenCalledTimes(1);

    // The source ran: computed again.
    const ran = new Map([["every-10m", state("every-10m", { lastRunAt: NOW + 2_000 })]]);
    remembered([tenMinutes], ran, NOW + 2_000, BOUNDS);
    expect(compute).toHaveBeenCalledTimes(2);

    // A backoff: computed again.
    const backingOff = new Map([
      ["every-10m", state("every-10m", { lastRunAt: NOW + 2_000, nextAttemptAt: first + 1 })],
    ]);
    remembered([tenMinutes], backingOff, NOW + 3_000, BOUNDS);
    expect(compute).toHaveBeenCalledTimes(3);

    // A reloaded config (a new source object): computed again.
    const reloaded = { ...tenMinutes };
    remembered([reloaded], backingOff, NOW + 4_000, BOUNDS);
    expect(compute).toHaveBeenCalledTimes(4);

    // Its time has come: computed again, and the answer moves on.
    const later = remembered([reloaded], backingOff, first + 2, BOUNDS)[0] as number;
    expect(compute).toHaveBeenCalledTimes(5);
    expect(later).toBeGreaterThan(first + 2);
  });

  it("forgets a removed source, so it comes back computed afresh", () => {
    const compute = vi.fn(nextRunAt);
    const remembered = createNextRuns(compute);
    const [a, b] = SOURCES as [Source, Source];
    remembered([a, b], new Map(), NOW, BOUNDS);
    remembered([a], new Map(), NOW + 1_000, BOUNDS);
    expect(compute).toHaveBeenCalledTimes(2);
    remembered([a, b], new Map(), NOW + 2_000, BOUNDS);
    expect(compute).toHaveBeenCalledTimes(3);
    expect(compute).toHaveBeenLastCalledWith(b, undefined, NOW + 2_000, expect.any(Number));
  });
});
