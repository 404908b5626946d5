import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createFreshness } from "../../src/app/freshness.js";
import { soonestRun } from "../../src/app/soonest-run.js";
import { maxAgeSeconds } from "../../src/http/max-age.js";
import { openSqliteStore, type SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import type { SourceStateChanges } from "../../src/store/store.js";
import { scheduledSource } from "../fixtures/scheduled-sources.js";

const NOW = Date.parse("2026-11-25T10:03:27.250Z");
const source = scheduledSource;

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
    return maxAgeSeconds(soonestRun(CONFIG, states, now, LIMITS), now, LIMITS);
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
