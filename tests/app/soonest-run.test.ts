import { describe, expect, it, vi } from "vitest";
import { createSoonestRun, soonestRun } from "../../src/app/soonest-run.js";
import { maxAgeSeconds, type FreshnessBounds } from "../../src/http/max-age.js";
import type { Source, SourceState } from "../../src/model/index.js";
import { nextRunAt } from "../../src/worker/next-run.js";
import { scheduledSource as source, sourceState as state } from "../fixtures/scheduled-sources.js";

const NOW = Date.parse("2026-11-25T10:03:27.250Z");
const BOUNDS = { minSeconds: 30, maxSeconds: 900 };

const SOURCES = [
  source("every-10m", { every: 600_000 }),
  source("every-7m", { every: 420_000 }),
  source("every-30s", { every: 30_000 }),
  source("cron-hourly", { cron: "0 5 * * * *" }),
  source("daily", { every: 86_400_000 }),
];

describe("soonestRun (the definition)", () => {
  it("is the earliest next run among enabled sources, undefined when none is due within the bound", () => {
    const states = new Map([["every-10m", state("every-10m", { lastRunAt: NOW - 60_000 })]]);
    const tenMinutes = soonestRun([SOURCES[0] as Source], states, NOW, BOUNDS) as number;
    const hourly = soonestRun([SOURCES[3] as Source], states, NOW, BOUNDS) as number;
    expect(hourly).toBe(Date.parse("2026-11-25T10:05:00Z"));
    expect(tenMinutes).toBeGreaterThan(hourly);
    expect(soonestRun([SOURCES[0] as Source, SOURCES[3] as Source], states, NOW, BOUNDS)).toBe(hourly);
    expect(soonestRun([SOURCES[3] as Source, SOURCES[0] as Source], states, NOW, BOUNDS)).toBe(hourly);
    expect(soonestRun([{ ...(SOURCES[3] as Source), enabled: false }], states, NOW, BOUNDS)).toBeUndefined();
    expect(soonestRun([source("yearly", { cron: "0 0 0 1 1 *" })], states, NOW, BOUNDS)).toBeUndefined();
  });
});

describe("createSoonestRun (max-age's soonest next run, kept up to date, issue 12)", () => {
  // No lower bound to hide a difference under.
  const EXACT = { minSeconds: 1, maxSeconds: 900 };
  const maxAgeOf = (at: number | undefined, now: number): number => maxAgeSeconds(at, now, EXACT);

  it("gives the max-age soonestRun computed afresh gives, as time passes and source states change", () => {
    const soonest = createSoonestRun();
    const sources = [
      ...SOURCES,
      source("yearly", { cron: "0 0 0 1 1 *" }),
      { ...source("off", { every: 60_000 }), enabled: false },
    ];
    let states = new Map<string, SourceState>();
    const answers = new Set<number>();
    for (let now = NOW; now < NOW + 40 * 60_000; now += 7_000) {
      // Every 3 minutes a source runs (lastRunAt moves) and one backs off (nextAttemptAt).
      if ((now - NOW) % 180_000 < 7_000) {
        states = new Map(states);
        const which = SOURCES[Math.floor((now - NOW) / 180_000) % SOURCES.length] as Source;
        states.set(which.id, state(which.id, { lastRunAt: now - 1_000 }));
        states.set("every-30s", state("every-30s", { lastRunAt: now - 2_000, nextAttemptAt: now + 95_000 }));
        soonest.statesChanged([which.id, "every-30s"]);
      }
      const expected = maxAgeSeconds(soonestRun(sources, states, now, EXACT), now, EXACT);
      expect(maxAgeOf(soonest.at(sources, states, now, EXACT), now), new Date(now).toISOString()).toBe(expected);
      answers.add(expected);
    }
    expect(answers.size).toBeGreaterThan(10); // the answer moved: the comparison saw changes
  });

  it("agrees with soonestRun over random schedules, states, reloads, bounds, clock steps back and heavy churn", () => {
    // A seeded generator (Park–Miller), so a failure names a reproducible step.
    let seed = 20_261_203;
    const random = (): number => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647;
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
    const schedules: Source["schedule"][] = [
      { every: 30_000 },
      { every: 420_000 },
      { every: 780_000 },
      { every: 3_600_000 },
      { every: 86_400_000 },
      { cron: "0 5 * * * *" },
      { cron: "30 */20 * * * *" },
      { cron: "0 0 0 1 1 *" },
    ];
    const configure = (): Source[] =>
      Array.from({ length: 12 }, (_, index) => source(`s${index % 15}`, pick(schedules), random() > 0.1));
    const soonest = createSoonestRun();
    let sources = configure();
    let bounds: FreshnessBounds = { minSeconds: 1, maxSeconds: 900 };
    let states = new Map<string, SourceState>();
    let now = NOW;
    for (let step = 0; step < 5_000; step++) {
      const roll = random();
      // Rare enough that what is kept lives long between them (each starts afresh).
      if (roll < 0.003) sources = configure();
      else if (roll < 0.01) bounds = { minSeconds: 1, maxSeconds: pick([120, 300, 900, 3_600]) };
      else if (roll < 0.013) now -= Math.floor(random() * 1_800_000); // a clock stepped back
      now += Math.floor(random() * 40_000);
      // Many states change each step (compaction runs), for configured ids and others.
      const changed: string[] = [];
      for (let count = Math.floor(random() * 10); count > 0; count--) {
        const id = `s${Math.floor(random() * 20)}`;
        changed.push(id);
        if (random() < 0.15) states.delete(id);
        else
          states.set(
            id,
            state(id, {
              lastRunAt: now - Math.floor(random() * 600_000),
              ...(random() < 0.3 && { nextAttemptAt: now + Math.floor(random() * 1_200_000) }),
            }),
          );
      }
      states = new Map(states);
      soonest.statesChanged(changed);
      // Sometimes ask exactly at the soonest run's instant.
      const at = soonest.at(sources, states, now, bounds);
      const when = at !== undefined && random() < 0.2 ? at : now;
      const answer = soonest.at(sources, states, when, bounds);
      expect(maxAgeSeconds(answer, when, bounds), `step ${step} at ${new Date(when).toISOString()}`).toBe(
        maxAgeSeconds(soonestRun(sources, states, when, bounds), when, bounds),
      );
      now = when;
    }
  });

  it("knows a source with no run within reach has none until the bound has passed", () => {
    const compute = vi.fn(nextRunAt);
    const soonest = createSoonestRun(compute);
    const hourly = [source("cron-hourly", { cron: "0 5 * * * *" })];
    const states = new Map<string, SourceState>();
    const tight = { minSeconds: 1, maxSeconds: 300 };
    const agrees = (now: number): void => {
      const answer = soonest.at(hourly, states, now, tight);
      expect(maxAgeSeconds(answer, now, tight), new Date(now).toISOString()).toBe(
        maxAgeSeconds(soonestRun(hourly, states, now, tight), now, tight),
      );
    };
    // At 10:06 the next run, 11:05, is beyond twice the 5-minute bound.
    const start = Date.parse("2026-11-25T10:06:00Z");
    expect(soonest.at(hourly, states, start, tight)).toBeUndefined();
    for (let now = start; now <= start + 301_000; now += 10_000) agrees(now);
    expect(compute).toHaveBeenCalledTimes(1);
    // Past the hold it is computed again, and from 10:59:59 on the 11:05 run is within reach.
    for (let now = start + 302_000; now < Date.parse("2026-11-25T11:05:00Z"); now += 10_000) agrees(now);
    expect(compute.mock.calls.length).toBeGreaterThan(1);
    expect(compute.mock.calls.length).toBeLessThan(20);
    expect(soonest.at(hourly, states, Date.parse("2026-11-25T11:00:00Z"), tight)).toBe(
      Date.parse("2026-11-25T11:05:00Z"),
    );
    // A wider bound (a config reload) reaches further at once: 12:05 from 11:06.
    const after = Date.parse("2026-11-25T11:06:00Z");
    expect(soonest.at(hourly, states, after, tight)).toBeUndefined();
    expect(soonest.at(hourly, states, after, { minSeconds: 1, maxSeconds: 3_600 })).toBe(
      Date.parse("2026-11-25T12:05:00Z"),
    );
  });

  it("computes a source again only when its time has come, its state changed or the config did", () => {
    const compute = vi.fn(nextRunAt);
    const soonest = createSoonestRun(compute);
    const tenMinutes = source("every-10m", { every: 600_000 });
    const config = [tenMinutes];
    const first = soonest.at(config, new Map(), NOW, BOUNDS) as number;
    expect(first).toBeGreaterThan(NOW);
    expect(compute).toHaveBeenCalledTimes(1);

    // A second later, nothing changed: nothing to compute, the same answer.
    expect(soonest.at(config, new Map(), NOW + 1_000, BOUNDS)).toBe(first);
    expect(compute).toHaveBeenCalledTimes(1);

    // The source ran: computed again, from its new state.
    const ran = new Map([["every-10m", state("every-10m", { lastRunAt: NOW + 2_000 })]]);
    soonest.statesChanged(["every-10m"]);
    soonest.at(config, ran, NOW + 2_000, BOUNDS);
    expect(compute).toHaveBeenCalledTimes(2);
    expect(compute).toHaveBeenLastCalledWith(tenMinutes, ran.get("every-10m"), NOW + 2_000, expect.any(Number));

    // A reloaded config (a new sources array): computed again.
    const reloaded = [{ ...tenMinutes }];
    soonest.at(reloaded, ran, NOW + 4_000, BOUNDS);
    expect(compute).toHaveBeenCalledTimes(3);

    // Its time has come: computed again, and the answer moves on.
    const due = soonest.at(reloaded, ran, NOW + 5_000, BOUNDS) as number;
    expect(compute).toHaveBeenCalledTimes(3);
    const later = soonest.at(reloaded, ran, due, BOUNDS) as number;
    expect(compute).toHaveBeenCalledTimes(4);
    expect(later).toBeGreaterThan(due);
  });

  it("walks none of 10,000 sources in a second when none is due and no state changed", () => {
    const compute = vi.fn(nextRunAt);
    const soonest = createSoonestRun(compute);
    const many = Array.from({ length: 10_000 }, (_, index) => source(`s${index}`, { every: 3_600_000 }));
    const states = new Map(many.map(({ id }, index) => [id, state(id, { lastRunAt: NOW - index * 300 })]));
    const first = soonest.at(many, states, NOW, BOUNDS) as number;
    expect(compute).toHaveBeenCalledTimes(10_000);
    compute.mockClear();
    // Each second only the sources whose run came, and the one whose state changed, are computed.
    let now = NOW;
    for (; now < first; now += 1_000) soonest.at(many, states, now, BOUNDS);
    expect(compute).toHaveBeenCalledTimes(0);
    states.set("s42", state("s42", { lastRunAt: now }));
    soonest.statesChanged(["s42"]);
    soonest.at(many, states, now, BOUNDS);
    expect(compute.mock.calls.map(([{ id }]) => id)).toEqual(expect.arrayContaining(["s42"]));
    expect(compute.mock.calls.length).toBeLessThan(20);
  });

  it("drops a removed source, and computes it afresh when it comes back", () => {
    const compute = vi.fn(nextRunAt);
    const soonest = createSoonestRun(compute);
    const [a, b] = SOURCES as [Source, Source];
    const both = [a, b];
    soonest.at(both, new Map(), NOW, BOUNDS);
    soonest.at([a], new Map(), NOW + 1_000, BOUNDS);
    expect(compute).toHaveBeenCalledTimes(3);
    soonest.at(both, new Map(), NOW + 2_000, BOUNDS);
    expect(compute).toHaveBeenCalledTimes(5);
    expect(compute).toHaveBeenCalledWith(b, undefined, NOW + 2_000, expect.any(Number));
  });
});
