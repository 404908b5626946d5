import cron, { type ScheduledTask } from "node-cron";
import type { EpochMs, Source } from "../model/index.js";
import type { Classifier } from "../classify/classifier.js";
import type { FetchOptions } from "../sources/fetch.js";
import type { BackoffPolicy } from "./backoff.js";
import { collectSource, type CollectDeps, type SourceRunResult } from "./collect-source.js";
import { hostOf, type Limiter } from "../shared/limiter.js";
import { planSchedule } from "./schedule-plan.js";
import { describeError } from "../shared/describe-error.js";

/** What may change on a live config reload. */
export interface WorkerPlan {
  readonly sources: readonly Source[];
  readonly classify: Classifier;
  readonly fetchOptions: FetchOptions;
  /** Config `defaults.backoff`. */
  readonly backoff: BackoffPolicy;
  /** Config `worker.per_host`: requests at once to one host, also inside one source's pass. */
  readonly perHost?: number;
  /** Config `worker.concurrency`: collects at once overall. */
  readonly concurrency?: number;
}

export interface WorkerDeps extends Omit<CollectDeps, "classify" | "fetchOptions" | "backoff"> {
  readonly limiter: Limiter;
  /** Called after every source run (cache invalidation, snapshots, WebSub). Errors are logged. */
  readonly onResult: (result: SourceRunResult) => void | Promise<void>;
  /** A source's run got its limiter slot and starts now (collect's progress line shows it). */
  readonly onStart?: (sourceId: string) => void;
}

export interface SourceSchedule {
  readonly sourceId: string;
  readonly running: boolean;
  readonly nextRunAt?: EpochMs | undefined;
}

export interface Worker {
  /** Schedule every enabled source and run each once now; after stop(), starts again. */
  start(): void;
  /** One pass over every enabled source; resolves when all are done. `force` ignores backoff. */
  runAll(options?: { force?: boolean }): Promise<SourceRunResult[]>;
  /** Run one source now (joins a run already in flight). Undefined for an unknown id. */
  runSource(sourceId: string, options?: { force?: boolean }): Promise<SourceRunResult> | undefined;
  /** Apply a new config: new sources start, removed ones stop, changed ones reschedule. */
  update(plan: WorkerPlan): void;
  schedules(): readonly SourceSchedule[];
  /** Stop scheduling and wait (bounded) for running collects to finish. */
  stop(timeoutMs: number): Promise<void>;
}

interface Scheduled {
  readonly source: Source;
  readonly task: ScheduledTask;
  readonly minGapMs: number;
  lastStartAt?: EpochMs;
}

export function createWorker(initial: WorkerPlan, deps: WorkerDeps): Worker {
  let plan = initial;
  let started = false;
  let stopping = false;
  const scheduled = new Map<string, Scheduled>();
  const inFlight = new Map<string, Promise<SourceRunResult>>();
  let controller = new AbortController();

  const enabledSources = (): Source[] => plan.sources.filter((source) => source.enabled);

  function run(source: Source, force = false): Promise<SourceRunResult> {
    const running = inFlight.get(source.id);
    if (running) return running; // never overlap a source with itself
    const collectDeps: CollectDeps = {
      ...deps,
      classify: plan.classify,
      fetchOptions: plan.fetchOptions,
      backoff: plan.backoff,
      ...(plan.perHost !== undefined && { perHost: plan.perHost }),
    };
    const promise = deps.limiter
      .run(hostOf(source.url), () => {
        deps.onStart?.(source.id);
        return collectSource(source, collectDeps, { force, signal: controller.signal });
      })
      .then(async (result) => {
        await notify(result);
        return result;
      })
      .finally(() => inFlight.delete(source.id));
    inFlight.set(source.id, promise);
    const entry = scheduled.get(source.id);
    if (entry) entry.lastStartAt = deps.clock();
    return promise;
  }

  async function notify(result: SourceRunResult): Promise<void> {
    try {
      await deps.onResult(result);
    } catch (error) {
      deps.logger.error({ source: result.sourceId, err: describeError(error) }, "after-run hook failed");
    }
  }

  function schedule(source: Source): void {
    const { cron: expression, minGapMs } = planSchedule(source.id, source.schedule);
    const entry: Scheduled = {
      source,
      minGapMs,
      task: cron.createTask(expression, () => tick(source.id), { name: `source:${source.id}`, noOverlap: false }),
    };
    scheduled.set(source.id, entry);
    void entry.task.start();
  }

  function tick(sourceId: string): void {
    const entry = scheduled.get(sourceId);
    if (!entry || stopping) return;
    const due = entry.lastStartAt === undefined || deps.clock() - entry.lastStartAt >= entry.minGapMs;
    if (due && !inFlight.has(sourceId)) void run(entry.source);
  }

  function unschedule(sourceId: string): void {
    const entry = scheduled.get(sourceId);
    if (!entry) return;
    void entry.task.destroy();
    scheduled.delete(sourceId);
  }

  function reschedule(): void {
    const wanted = new Map(enabledSources().map((source) => [source.id, source]));
    for (const [id, entry] of scheduled) {
      const next = wanted.get(id);
      if (!next || JSON.stringify(next) !== JSON.stringify(entry.source)) unschedule(id);
    }
    for (const source of wanted.values()) {
      if (scheduled.has(source.id)) continue;
      schedule(source);
      void run(source);
    }
  }

  return {
    start() {
      if (started && !stopping) return;
      if (stopping) controller = new AbortController();
      started = true;
      stopping = false;
      reschedule();
    },
    runAll(options = {}) {
      return Promise.all(enabledSources().map((source) => run(source, options.force ?? false)));
    },
    runSource(sourceId, options = {}) {
      const source = plan.sources.find((candidate) => candidate.id === sourceId);
      return source ? run(source, options.force ?? false) : undefined;
    },
    update(next) {
      plan = next;
      if (next.concurrency !== undefined && next.perHost !== undefined)
        deps.limiter.setLimits(next.concurrency, next.perHost);
      if (started && !stopping) reschedule();
    },
    schedules() {
      return plan.sources.map((source) => {
        const entry = scheduled.get(source.id);
        const next = entry?.task.getNextRun();
        const earliest =
          entry && entry.lastStartAt !== undefined && entry.minGapMs > 0
            ? entry.lastStartAt + entry.minGapMs
            : undefined;
        const nextRunAt = next ? Math.max(next.getTime(), earliest ?? 0) : undefined;
        return { sourceId: source.id, running: inFlight.has(source.id), nextRunAt };
      });
    },
    async stop(timeoutMs) {
      stopping = true;
      for (const id of [...scheduled.keys()]) unschedule(id);
      const drained = Promise.allSettled([...inFlight.values()]);
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), timeoutMs);
      });
      const outcome = await Promise.race([drained.then(() => "drained" as const), timedOut]);
      clearTimeout(timer);
      if (outcome === "timeout") {
        deps.logger.warn({ running: [...inFlight.keys()] }, "stop: collects still running, aborting them");
        controller.abort();
        await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, 1000))]);
      }
    },
  };
}
