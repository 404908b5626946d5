import cron from "node-cron";
import { describe, expect, it } from "vitest";
import { planSchedule } from "../../src/worker/schedule-plan.js";

describe("planSchedule", () => {
  it("turns intervals that divide a cron field into exact cron expressions", () => {
    expect(planSchedule("a", { every: 30_000 })).toEqual({ cron: "*/30 * * * * *", minGapMs: 0 });
    const tenMinutes = planSchedule("a", { every: 600_000 });
    expect(tenMinutes.cron).toMatch(/^\d{1,2} \*\/10 \* \* \* \*$/);
    expect(tenMinutes.minGapMs).toBe(0);
    expect(planSchedule("a", { every: 3_600_000 }).cron).toMatch(/^\d{1,2} \d{1,2} \*\/1 \* \* \*$/);
  });

  it("spreads sources with the same interval over different seconds, stably", () => {
    const offsets = new Set(["a", "b", "c", "d", "e", "f"].map((id) => planSchedule(id, { every: 600_000 }).cron));
    expect(offsets.size).toBeGreaterThan(1);
    expect(planSchedule("a", { every: 600_000 })).toEqual(planSchedule("a", { every: 600_000 }));
  });

  it("ticks and gates intervals no cron field divides", () => {
    const plan = planSchedule("a", { every: 7 * 60_000 });
    expect(plan.minGapMs).toBe(7 * 60_000 - 1000);
    expect(cron.validate(plan.cron)).toBe(true);
    expect(planSchedule("a", { every: 86_400_000 }).minGapMs).toBe(86_400_000 - 1000);
  });

  it("passes cron schedules through", () => {
    expect(planSchedule("a", { cron: "*/5 * * * *" })).toEqual({ cron: "*/5 * * * *", minGapMs: 0 });
  });

  it("produces only valid node-cron expressions", () => {
    for (const every of [1000, 5000, 45_000, 60_000, 90_000, 300_000, 900_000, 5_400_000, 7_200_000, 43_200_000]) {
      expect(cron.validate(planSchedule("x", { every }).cron), String(every)).toBe(true);
    }
  });
});
