import type { Logger } from "pino";
import type { Clock, Source, SourceState } from "../model/index.js";
import type { Store } from "../store/store.js";
import { maxAgeSeconds, type FreshnessBounds } from "../http/max-age.js";
import { createSoonestRun } from "./soonest-run.js";

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
  const soonest = createSoonestRun();

  const refresh = (): Promise<void> =>
    (reading ??= deps.store
      .listSourceStatesSince(version)
      .then(
        (changes) => {
          // Deletions first: a state row that exists now was written after any deletion it follows.
          for (const sourceId of changes.removed) states.delete(sourceId);
          for (const state of changes.states) states.set(state.sourceId, state);
          soonest.statesChanged(changes.removed);
          soonest.statesChanged(changes.states.map((state) => state.sourceId));
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
      return maxAgeSeconds(soonest.at(deps.sources(), states, now, bounds), now, bounds);
    },
  };
}
