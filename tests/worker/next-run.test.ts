import cron from "node-cron";
import { describe, expect, it } from "vitest";
import type { SourceState } from "../../src/model/index.js";
import { nextCronTick, nextRunAt } from "../../src/worker/next-run.js";
import { planSchedule } from "../../src/worker/schedule-plan.js";
import { scheduledSource, sourceState } from "../fixtures/scheduled-sources.js";

const NOW = Date.parse("2026-11-25T10:03:27.250Z");
const HOUR = 3_600_000;

const source = scheduledSource;
const state = (fields: Partial<SourceState>): SourceState => sourceState("s", fields);

/** node-cron's own matcher, walked step by step: the oracle. */
function firstMatch(expression: string, after: number, until: number, stepMs: number): number | undefined {
  const task = cron.createTask(expression, () => undefined);
  try {
    for (let at = Math.floor(after / stepMs) * stepMs; at < until; at += stepMs) {
      if (at > after && task.match(new Date(at))) return at;
    }
    return undefined;
  } finally {
    void task.destroy();
  }
}

describe("nextRunAt: when the leader's worker next starts a source, from config and stored state", () => {
  it("is the next tick of the source's cron plan for an `every` interval", () => {
    const s = source("walaw-world", { every: 10 * 60_000 });
    const { cron: expression } = planSchedule(s.id, s.schedule);
    const expected = firstMatch(expression, NOW, NOW + HOUR, 1000);
    expect(expected).toBeDefined();
    expect(nextRunAt(s, undefined, NOW, NOW + HOUR)).toBe(expected);
  });

  it("waits out the minimum gap since the last run for an interval cron cannot divide (7m)", () => {
    const s = source("odd", { every: 7 * 60_000 });
    const { cron: expression, minGapMs } = planSchedule(s.id, s.schedule);
    const lastRunAt = NOW - 60_000;
    const expected = firstMatch(expression, lastRunAt + minGapMs, NOW + HOUR, 1000);
    expect(nextRunAt(s, state({ lastRunAt }), NOW, NOW + HOUR)).toBe(expected);
    // Never run: the next tick (within a minute).
    expect(nextRunAt(s, undefined, NOW, NOW + HOUR)).toBe(firstMatch(expression, NOW, NOW + HOUR, 1000));
  });

  it("waits out a backoff or Retry-After", () => {
    const s = source("failing", { every: 60_000 });
    const nextAttemptAt = NOW + 20 * 60_000;
    const next = nextRunAt(s, state({ nextAttemptAt }), NOW, NOW + HOUR);
    expect(next).toBeGreaterThan(nextAttemptAt);
    expect(next).toBeLessThanOrEqual(nextAttemptAt + 60_000);
  });

  it("follows a cron schedule as written, and says nothing past `until` or for a disabled source", () => {
    const weekdays = source("weekdays", { cron: "0 9 * * 1-5" });
    const week = 8 * 24 * HOUR;
    expect(nextRunAt(weekdays, undefined, NOW, NOW + week)).toBe(firstMatch("0 9 * * 1-5", NOW, NOW + week, 60_000));
    expect(nextRunAt(weekdays, undefined, NOW, NOW + 60_000)).toBeUndefined();
    expect(nextRunAt(source("off", { every: 60_000 }, false), undefined, NOW, NOW + HOUR)).toBeUndefined();
  });

  it("agrees with node-cron on seconds fields and stepped minutes", () => {
    for (const expression of ["*/15 * * * * *", "17 */10 * * * *", "5 0 */2 * * *", "30 6-22 * * *"]) {
      expect(nextCronTick(expression, NOW, NOW + 3 * HOUR), expression).toBe(
        firstMatch(expression, NOW, NOW + 3 * HOUR, 1000),
      );
    }
  });
});
