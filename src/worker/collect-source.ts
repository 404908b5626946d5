import { setImmediate as nextTurn } from "node:timers/promises";
import type { Logger } from "pino";
import type { ClassifiedItem, Clock, CollectedItem, Source, SourceKind } from "../model/index.js";
import type { Classifier } from "../classify/classifier.js";
import type { Collector, CollectOutcome } from "../sources/collector.js";
import type { FetchOptions } from "../sources/fetch.js";
import { FetchError } from "../sources/fetch.js";
import type { Parse } from "../sources/parse-jobs.js";
import type { Store } from "../store/store.js";
import { nextAttemptAfterFailure, type BackoffPolicy } from "./backoff.js";
import { redactUrlsIn } from "../net/redact-url.js";
import { describeError } from "../shared/describe-error.js";
import { failureStage, type FailureStage } from "./failure-stage.js";
import { withinRetention } from "./retention-window.js";

export interface CollectDeps {
  readonly store: Store;
  readonly collectors: Readonly<Record<SourceKind, Collector>>;
  readonly classify: Classifier;
  readonly clock: Clock;
  readonly fetchOptions: FetchOptions;
  readonly backoff: BackoffPolicy;
  /** Requests at once to one host inside a pass (see CollectContext.perHost). */
  readonly perHost?: number;
  /** Where fetched documents are parsed (the service's parse pool); absent: on this thread. */
  readonly parse?: Parse;
  readonly random: () => number;
  readonly logger: Logger;
}

export interface SourceRunResult {
  readonly sourceId: string;
  readonly ok: boolean;
  /** The pass did not run: the source is backing off or asked us to wait (Retry-After). */
  readonly skipped: boolean;
  readonly notModified: boolean;
  readonly inserted: number;
  /** Items the run saw that were already stored as they are (absent for a skipped or failed run). */
  readonly unchanged?: number;
  readonly updated: number;
  readonly removed: number;
  /** Category slugs whose feeds changed; empty when nothing changed. */
  readonly changedCategories: readonly string[];
  readonly changed: boolean;
  readonly error?: string;
  /** Where a failed run broke (metrics count failures by it); set only when `ok` is false. */
  readonly failureStage?: FailureStage;
  readonly warnings: readonly string[];
  /** Wall time of the whole run by the injected clock; 0 for a skipped run. */
  readonly durationMs: number;
  /** Time spent in the source kind's collector (fetch and parse); absent when it did not finish. */
  readonly fetchMs?: number;
}

export interface CollectOptions {
  /** Ignore backoff / Retry-After (an admin "refresh now"). */
  readonly force?: boolean;
  readonly signal?: AbortSignal;
}

/**
 * One pass over one source: fetch and parse (the source kind's collector), classify, keep what
 * retention keeps, then store items and run state in one transaction, then apply retention (to
 * what is stored). A failure here fails only this source: it is recorded on the source's state
 * and never thrown to the caller.
 */
export async function collectSource(
  source: Source,
  deps: CollectDeps,
  options: CollectOptions = {},
): Promise<SourceRunResult> {
  const log = deps.logger.child({ source: source.id });
  const startedAt = deps.clock();
  const previous = await deps.store.getSourceState(source.id);
  if (!options.force && previous?.nextAttemptAt !== undefined && previous.nextAttemptAt > startedAt) {
    log.debug({ nextAttemptAt: new Date(previous.nextAttemptAt).toISOString() }, "source is backing off");
    return skippedResult(source.id);
  }
  try {
    const outcome = redactWarnings(await fetchAndParse(source, deps, previous, options.signal));
    const fetchMs = deps.clock() - startedAt;
    // Only what retention keeps, so an unchanged upstream changes nothing (see retention-window.ts);
    // kept before classifying, which runs on the serving thread.
    const items = await classifyItems(
      withinRetention(outcome.items, source.retention, deps.clock()),
      source,
      deps.classify,
    );
    const upsert = await deps.store.commitRun(
      {
        sourceId: source.id,
        at: deps.clock(),
        warnings: outcome.warnings,
        etag: outcome.etag ?? (outcome.notModified ? undefined : null),
        lastModified: outcome.lastModified ?? (outcome.notModified ? undefined : null),
        nextAttemptAt: null,
        notModified: outcome.notModified,
      },
      items,
      deps.clock(),
    );
    const pruned = await deps.store.prune(source.id, source.retention, deps.clock());
    const changedCategories = [...new Set([...upsert.changedCategories, ...pruned.changedCategories])];
    const result: SourceRunResult = {
      sourceId: source.id,
      ok: true,
      skipped: false,
      notModified: outcome.notModified,
      inserted: upsert.inserted.length,
      unchanged: upsert.unchanged,
      updated: upsert.updated.length,
      removed: pruned.removed,
      changedCategories,
      changed: upsert.inserted.length + upsert.updated.length + pruned.removed > 0,
      warnings: outcome.warnings,
      durationMs: deps.clock() - startedAt,
      fetchMs,
    };
    log.info(
      {
        inserted: result.inserted,
        updated: result.updated,
        removed: result.removed,
        notModified: result.notModified,
        warnings: outcome.warnings.length,
        ms: result.durationMs,
      },
      "source collected",
    );
    for (const warning of outcome.warnings) log.warn({ warning }, "source warning");
    return result;
  } catch (error) {
    return recordFailure(source, deps, { failuresSoFar: previous?.consecutiveFailures ?? 0, startedAt }, error, log);
  }
}

function fetchAndParse(
  source: Source,
  deps: CollectDeps,
  previous: Awaited<ReturnType<Store["getSourceState"]>>,
  signal: AbortSignal | undefined,
): Promise<CollectOutcome> {
  const collector = deps.collectors[source.kind];
  return collector(source, {
    clock: deps.clock,
    fetchOptions: deps.fetchOptions,
    previous,
    knownIds: (ids) => deps.store.knownIds(ids),
    ...(deps.perHost !== undefined && { perHost: deps.perHost }),
    ...(deps.parse !== undefined && { parse: deps.parse }),
    signal,
  });
}

/** Warnings are stored and shown on the public /status: no credentials of a source URL in them (redact-url.ts). */
function redactWarnings(outcome: CollectOutcome): CollectOutcome {
  return { ...outcome, warnings: outcome.warnings.map(redactUrlsIn) };
}

/** Items classified between which requests get a turn: a 1,000-entry pass classified at once held serving ~0.2 s. */
const CLASSIFY_SLICE = 100;

async function classifyItems(
  items: readonly CollectedItem[],
  source: Source,
  classify: Classifier,
): Promise<ClassifiedItem[]> {
  const classified: ClassifiedItem[] = [];
  for (const [index, item] of items.entries()) {
    if (index > 0 && index % CLASSIFY_SLICE === 0) await nextTurn();
    classified.push({ ...item, categories: classify(item, source.categories) });
  }
  return classified;
}

async function recordFailure(
  source: Source,
  deps: CollectDeps,
  run: { readonly failuresSoFar: number; readonly startedAt: number },
  error: unknown,
  log: Logger,
): Promise<SourceRunResult> {
  const { failuresSoFar, startedAt } = run;
  // Stored as lastError and shown on the public /status: no credentials of a source URL in it.
  const message = redactUrlsIn(describeError(error));
  const now = deps.clock();
  const retryAfterMs = error instanceof FetchError ? error.retryAfterMs : undefined;
  const nextAttemptAt = nextAttemptAfterFailure(now, failuresSoFar + 1, deps.backoff, deps.random, retryAfterMs);
  log.warn(
    { err: message, failures: failuresSoFar + 1, nextAttemptAt: new Date(nextAttemptAt).toISOString() },
    "source failed",
  );
  try {
    await deps.store.commitRun({ sourceId: source.id, at: now, error: message, nextAttemptAt }, [], now);
  } catch (storeError) {
    log.error({ err: describeError(storeError) }, "could not record the source failure");
  }
  return {
    ...skippedResult(source.id),
    ok: false,
    skipped: false,
    error: message,
    failureStage: failureStage(error),
    durationMs: now - startedAt,
  };
}

function skippedResult(sourceId: string): SourceRunResult {
  return {
    sourceId,
    ok: true,
    skipped: true,
    notModified: false,
    inserted: 0,
    updated: 0,
    removed: 0,
    changedCategories: [],
    changed: false,
    warnings: [],
    durationMs: 0,
  };
}
