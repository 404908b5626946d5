import type { Logger } from "pino";
import type { Clock, EpochMs, Source, SourceState } from "../model/index.js";
import type { Store } from "../store/store.js";
import { nextRunAt } from "../worker/next-run.js";
import { maxAgeSeconds, type FreshnessBounds } from "../http/max-age.js";

/**
 * When each source is next due, from the config and the stored source states: what the leader's
 * worker will do, computed the same on every replica, including those that run no worker (whose
 * empty schedule list used to make them send the upper bound while the leader sent less).
 */
export function nextRuns(
  sources: readonly Source[],
  states: ReadonlyMap<string, SourceState>,
  now: EpochMs,
  bounds: FreshnessBounds,
): (EpochMs | undefined)[] {
  // Past the upper bound every answer is the same, so the search stops there.
  const until = now + bounds.maxSeconds * 1000 + 1000;
  return sources.map((source) => nextRunAt(source, states.get(source.id), now, until));
}

/** A source's next run as last computed, with the inputs it came from. */
interface KnownRun {
  readonly source: Source;
  readonly lastRunAt: EpochMs | undefined;
  readonly nextAttemptAt: EpochMs | undefined;
  readonly at: EpochMs;
}

/**
 * `nextRuns` that remembers each source's answer while it still holds: the same source (config
 * object), the same lastRunAt and nextAttemptAt, and its time not yet come. Then every later
 * `now` before it gives the same first tick (the earliest start moves later, never past it), so
 * it is reused. The feed responder asks once a second: computed afresh, 10,000 sources walked
 * their cron plans for 0.3–1.9 s on the serving thread each time (bench/scale, issue 12 §2).
 */
export function createNextRuns(compute: typeof nextRunAt = nextRunAt): typeof nextRuns {
  const known = new Map<string, KnownRun>();
  let configured: readonly Source[] | undefined;
  return (sources, states, now, bounds) => {
    // A new config: forget what only removed sources had (the same objects are kept otherwise).
    if (sources !== configured) {
      const ids = new Set(sources.map((source) => source.id));
      for (const id of known.keys()) if (!ids.has(id)) known.delete(id);
      configured = sources;
    }
    const until = now + bounds.maxSeconds * 1000 + 1000;
    return sources.map((source) => {
      const state = states.get(source.id);
      const was = known.get(source.id);
      if (
        was !== undefined &&
        was.source === source &&
        was.at > now &&
        was.lastRunAt === state?.lastRunAt &&
        was.nextAttemptAt === state?.nextAttemptAt
      ) {
        return was.at;
      }
      const at = compute(source, state, now, until);
      if (at === undefined) known.delete(source.id);
      else known.set(source.id, { source, lastRunAt: state?.lastRunAt, nextAttemptAt: state?.nextAttemptAt, at });
      return at;
    });
  };
}

export interface FreshnessDeps {
  readonly store: Store;
  readonly sources: () => readonly Source[];
  readonly bounds: () => FreshnessBounds;
  readonly clock: Clock;
  readonly logger: Logger;
}

export interface Freshness {
  /** Synchronous, from the last source states read; each call starts another read in the background. */
  readonly maxAgeSeconds: () => number;
  /** Read the source states now (at start, before the first answer). */
  refresh(): Promise<void>;
}

/**
 * Max-age for the feed responder, which asks at most once per second (feed-responder.ts): the
 * answer uses the source states as last read, and asking starts the next read, so the store is
 * read at most once per second too and never on the request path. A read asks only for the
 * states changed since the previous one and merges them into the copy kept here: reading all
 * 10,000 states every second held the serving thread 120–200 ms each time (bench/scale, issue 12).
 * Deletions are merged too: a purged source may still be in another replica's config, or come
 * back into this one's, and must then count as never run, as a full read would have it.
 */
export function createFreshness(deps: FreshnessDeps): Freshness {
  const states = new Map<string, SourceState>();
  let version = 0;
  let reading: Promise<void> | undefined;
  const upcoming = createNextRuns();

  const refresh = (): Promise<void> =>
    (reading ??= deps.store
      .listSourceStatesSince(version)
      .then(
        (changes) => {
          // Deletions first: a state row that exists now was written after any deletion it follows.
          for (const sourceId of changes.removed) states.delete(sourceId);
          for (const state of changes.states) states.set(state.sourceId, state);
          version = changes.version;
        },
        (error: unknown) => deps.logger.warn({ err: error }, "could not read source states for max-age"),
      )
      .finally(() => {
        reading = undefined;
      }));

  return {
    refresh,
    maxAgeSeconds() {
      void refresh();
      const now = deps.clock();
      const bounds = deps.bounds();
      return maxAgeSeconds(upcoming(deps.sources(), states, now, bounds), now, bounds);
    },
  };
}
