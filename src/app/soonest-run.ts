import type { EpochMs, Source, SourceState } from "../model/index.js";
import type { FreshnessBounds } from "../http/max-age.js";
import { createMinHeap } from "../shared/min-heap.js";
import { nextRunAt } from "../worker/next-run.js";

/**
 * The soonest of the sources' next runs, from the config and the stored source states: what the
 * leader's worker will do, computed the same on every replica, including those that run no worker
 * (whose empty schedule list used to make them send the upper bound while the leader sent less).
 * Undefined when none is due within the upper bound. The definition that `createSoonestRun` keeps
 * up to date incrementally (its tests compare the two).
 */
export function soonestRun(
  sources: readonly Source[],
  states: ReadonlyMap<string, SourceState>,
  now: EpochMs,
  bounds: FreshnessBounds,
): EpochMs | undefined {
  // Past the upper bound every answer is the same, so the search stops there.
  const until = now + bounds.maxSeconds * 1000 + 1000;
  let soonest: EpochMs | undefined;
  for (const source of sources) {
    const at = nextRunAt(source, states.get(source.id), now, until);
    if (at !== undefined && (soonest === undefined || at < soonest)) soonest = at;
  }
  return soonest;
}

/** Where a source's next run, as last computed, is kept. */
interface Entry {
  readonly serial: number;
  /** Its next run (`due`), or when its "none within reach" stops holding (not `due`). */
  readonly key: EpochMs;
  readonly due: boolean;
}

/**
 * The soonest of the sources' next runs, kept up to date as time passes and states change rather
 * than computed afresh: the feed responder asks once a second, and walking 10,000 sources for it
 * (even with each answer remembered) held the serving thread 10–70 ms, the longest stalls in the
 * feed p99 during collects (bench/scale, issue 12 §2).
 */
export interface SoonestRun {
  /**
   * The earliest next run after `now`: the answer `maxAgeSeconds` gives for it equals the one for
   * `soonestRun` of the same arguments (a run beyond the upper bound may show here, where
   * `soonestRun` has none; the bound makes them the same).
   */
  at(
    sources: readonly Source[],
    states: ReadonlyMap<string, SourceState>,
    now: EpochMs,
    bounds: FreshnessBounds,
  ): EpochMs | undefined;
  /** These sources' stored states changed or went: their next runs are computed again when next asked. */
  statesChanged(sourceIds: Iterable<string>): void;
}

/**
 * Each source's next run is computed once and holds until that run's time comes (every later
 * `now` before it has the same first tick), its state changes, or the config does (a new sources
 * array). A source with no run within twice the upper bound is known to have none within the bound
 * until one bound has passed. Runs wait in a min-heap by time, so a second in which nothing is due
 * and nothing changed costs a peek; outdated heap entries are skipped when they surface.
 */
export function createSoonestRun(compute: typeof nextRunAt = nextRunAt): SoonestRun {
  const entries = new Map<string, Entry>();
  const runs = createMinHeap<{ readonly id: string; readonly serial: number }>();
  const rechecks = createMinHeap<{ readonly id: string; readonly serial: number }>();
  const dirty = new Set<string>();
  let byId = new Map<string, Source>();
  let configured: readonly Source[] | undefined;
  let window = 0;
  let serial = 0;
  let latest = -Infinity;

  const current = (node: { readonly id: string; readonly serial: number }): boolean =>
    entries.get(node.id)?.serial === node.serial;

  const place = (id: string, entry: Entry): void => {
    entries.set(id, entry);
    (entry.due ? runs : rechecks).push(entry.key, { id, serial: entry.serial });
  };

  /** Outdated entries pile up when states change faster than runs come due: rebuild past a bound. */
  const compact = (): void => {
    if (runs.size + rechecks.size <= 2 * entries.size + 64) return;
    runs.clear();
    rechecks.clear();
    for (const [id, entry] of entries) place(id, entry);
  };

  return {
    statesChanged(sourceIds) {
      for (const id of sourceIds) dirty.add(id);
    },
    at(sources, states, now, bounds) {
      const reach = bounds.maxSeconds * 1000 + 1000;
      // What is kept holds for later instants only: a clock stepped back starts afresh.
      if (sources !== configured || reach !== window || now < latest) {
        configured = sources;
        window = reach;
        byId = new Map(sources.map((source) => [source.id, source]));
        entries.clear();
        runs.clear();
        rechecks.clear();
        dirty.clear();
        for (const id of byId.keys()) dirty.add(id);
      }
      latest = now;
      // A run whose time has come, and a "none within reach" past its hold, are computed again.
      for (let top = runs.peek(); top !== undefined && top.key <= now; top = runs.peek()) {
        runs.pop();
        if (current(top.value)) dirty.add(top.value.id);
      }
      for (let top = rechecks.peek(); top !== undefined && top.key < now; top = rechecks.peek()) {
        rechecks.pop();
        if (current(top.value)) dirty.add(top.value.id);
      }
      for (const id of dirty) {
        const source = byId.get(id);
        // Not configured (a state another replica's config has) or disabled: never due here.
        if (source === undefined || !source.enabled) continue;
        const at = compute(source, states.get(id), now, now + 2 * window);
        serial += 1;
        place(id, at === undefined ? { serial, key: now + window, due: false } : { serial, key: at, due: true });
      }
      dirty.clear();
      compact();
      for (let top = runs.peek(); top !== undefined; top = runs.peek()) {
        if (current(top.value)) return top.key;
        runs.pop();
      }
      return undefined;
    },
  };
}
