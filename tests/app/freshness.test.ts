import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createFreshness, createSoonestRun, nextRuns } from "../../src/app/freshness.js";
import { maxAgeSeconds } from "../../src/http/max-age.js";
import type { Source, SourceState } from "../../src/model/index.js";
import { openSqliteStore, type SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import type { SourceStateChanges } from "../../src/store/store.js";
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

describe("createSoonestRun (max-age's soonest next run, kept up to date, issue 12)", () => {
  // No lower bound to hide a difference under.
  const EXACT = { minSeconds: 1, maxSeconds: 900 };
  const maxAgeOf = (at: number | undefined, now: number): number =>
    maxAgeSeconds(at === undefined ? [] : [at], now, EXACT);

  it("gives the max-age nextRuns computed afresh gives, as time passes and source states change", () => {
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
      const expected = maxAgeSeconds(nextRuns(sources, states, now, EXACT), now, EXACT);
      expect(maxAgeOf(soonest.at(sources, states, now, EXACT), now), new Date(now).toISOString()).toBe(expected);
      answers.add(expected);
    }
    expect(answers.size).toBeGreaterThan(10); // the answer moved: the comparison saw changes
  });

  it("knows a source with no run within reach has none until the bound has passed", () => {
    const compute = vi.fn(nextRunAt);
    const soonest = createSoonestRun(compute);
    const hourly = [source("cron-hourly", { cron: "0 5 * * * *" })];
    const states = new Map<string, SourceState>();
    const tight = { minSeconds: 1, maxSeconds: 300 };
    const agrees = (now: number): void => {
      const answer = soonest.at(hourly, states, now, tight);
      expect(maxAgeSeconds(answer === undefined ? [] : [answer], now, tight), new Date(now).toISOString()).toBe(
        maxAgeSeconds(nextRuns(hourly, states, now, tight), now, tight),
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

describe("createFreshness (max-age from source states read incrementally, issue 12)", () => {
  // Intervals a cron field cannot divide: each ticks every minute and waits out its gap since the
  // last run (schedule-plan.ts), so whether its state was read decides its next run.
  const CONFIG = [
    source("every-7m", { every: 420_000 }),
    source("every-13m", { every: 780_000 }),
    source("daily", { every: 86_400_000 }),
  ];
  // No lower bound to hide a difference under.
  const LIMITS = { minSeconds: 1, maxSeconds: 900 };
  let dir: string;
  let store: SqliteStore;
  let now: number;

  beforeEach(async () => {
    now = NOW;
    dir = mkdtempSync(join(tmpdir(), "freshness-"));
    store = openSqliteStore(join(dir, "store.db"), { clock: () => now });
    await store.migrate();
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const freshness = () =>
    createFreshness({
      store,
      sources: () => CONFIG,
      bounds: () => LIMITS,
      clock: () => now,
      logger: pino({ level: "silent" }),
    });

  /** Max-age after reading what the store holds now; the read the answer starts is awaited too. */
  const answer = async (subject: ReturnType<typeof freshness>): Promise<number> => {
    await subject.refresh();
    const seconds = subject.maxAgeSeconds();
    await subject.refresh();
    return seconds;
  };

  /** What reading every state afresh gives (the computation before reads were incremental). */
  const fromFullRead = async (): Promise<number> => {
    const states = new Map((await store.listSourceStates()).map((state) => [state.sourceId, state]));
    return maxAgeSeconds(nextRuns(CONFIG, states, now, LIMITS), now, LIMITS);
  };

  const ran = (sourceId: string, extra: { error?: string; nextAttemptAt?: number } = {}) =>
    store.commitRun({ sourceId, at: now, ...extra }, [], now);

  it("answers what a full read of the states gives, as sources run, fail, are purged and run again", async () => {
    const subject = freshness();
    const answers: number[] = [];
    const step = async (): Promise<void> => {
      const expected = await fromFullRead();
      expect(await answer(subject), `step ${answers.length}`).toBe(expected);
      answers.push(expected);
    };

    await step(); // nothing ran: each source is due at its next tick, within the minute
    for (const { id } of CONFIG) await ran(id);
    await step(); // all ran: the 7-minute source is next
    now += 60_000;
    await ran("every-7m", { error: "fetch: HTTP 503", nextAttemptAt: now + 20 * 60_000 });
    await step(); // it backs off: the 13-minute source is next (a copy of only the changed row has no state for it)
    now += 17_000;
    await store.purgeSource("every-13m", now); // still configured, as on a replica not yet reloaded
    await step(); // its state gone (a copy that kept it answers minutes): due within the minute
    now += 30_000;
    await ran("every-13m");
    await step();
    // The answer moves at every step, so a copy missing any change shows.
    expect(answers).toHaveLength(5);
    expect(new Set(answers).size).toBe(answers.length);
  });

  it("reads only the rows written since the previous read", async () => {
    const subject = freshness();
    const read = vi.spyOn(store, "listSourceStatesSince");
    const lastRead = async (): Promise<SourceStateChanges> =>
      (await read.mock.results.at(-1)?.value) as SourceStateChanges;
    for (const { id } of CONFIG) await ran(id);
    await answer(subject);
    expect((await lastRead()).states).toHaveLength(0); // the first read got them all
    expect(await read.mock.results[0]?.value).toMatchObject({ states: { length: CONFIG.length } });

    now += 60_000;
    await ran("daily");
    const calls = read.mock.calls.length;
    await subject.refresh();
    expect(read.mock.calls.length).toBe(calls + 1);
    const changes = await lastRead();
    expect(changes.states.map((state) => [state.sourceId, state.lastRunAt])).toEqual([["daily", now]]);
    expect(changes.removed).toEqual([]);
    expect(subject.maxAgeSeconds()).toBe(await fromFullRead());
    await subject.refresh();
  });
});
