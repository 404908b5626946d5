import type { Logger } from "pino";
import type { Config, ConfigProblem } from "../config/config.js";
import { productToken } from "../config/product.js";
import type { Settings } from "../config/settings.js";
import { compileClassifier, type Classifier } from "../classify/classifier.js";
import type { Clock, EpochMs } from "../model/index.js";
import { ALL_SLUG } from "../model/index.js";
import { createFeedService, type FeedCatalog, type FeedService } from "../publish/feed-service.js";
import type { ParsePool } from "../sources/parse-pool/parse-pool.js";
import { COLLECTORS } from "../sources/registry.js";
import { openStore } from "../store/open-store.js";
import type { Store } from "../store/store.js";
import type { SourceRunResult } from "../worker/collect-source.js";
import type { CategoryMoveCount } from "../worker/reclassify.js";
import { createLimiter } from "../shared/limiter.js";
import { describeError } from "../shared/describe-error.js";
import { createWorker, type Worker, type WorkerPlan } from "../worker/worker.js";
import type { Metrics } from "../metrics/metrics.js";
import { hubUrl } from "../websub/hub.js";
import { createTtlMinutes } from "../publish/ttl.js";

/** The config in force plus what the last reload attempt said about it. */
export interface ConfigState {
  readonly config: Config;
  readonly loadedAt: EpochMs;
  readonly warnings: readonly ConfigProblem[];
  readonly rejected?: { readonly at: EpochMs; readonly problems: readonly ConfigProblem[] };
  /** What the last reclassification of stored items moved, per category. */
  readonly reclassified?: {
    readonly at: EpochMs;
    readonly reason: string;
    readonly examined: number;
    readonly changed: number;
    readonly moves: readonly CategoryMoveCount[];
  };
}

/** Told when each source run starts and ends (`collect`'s progress on a terminal). */
export interface RunProgress {
  started(sourceId: string): void;
  finished(result: SourceRunResult): void;
}

/** Which category feeds a change touched ("all" is implied). */
export interface FeedChange {
  readonly changedCategories: readonly string[];
}

export interface ChangeOptions {
  readonly readAfterWrite?: boolean;
}

export interface Runtime {
  readonly settings: Settings;
  readonly store: Store;
  readonly feeds: FeedService;
  readonly worker: Worker;
  readonly clock: Clock;
  readonly logger: Logger;
  configState(): ConfigState;
  readonly catalog: () => FeedCatalog;
  /** Hooks run after every change this instance made to the store (cache, snapshot, push). */
  onChange(listener: (change: FeedChange) => void): void;
  /**
   * Invalidate cached renders and run the change hooks (a reclassification, say). With
   * `readAfterWrite`, requests wait for the new renders instead of getting the previous bytes
   * for up to a second (render-cache.ts): an admin action or a config edit is answered, then
   * looked at; a collect's changes are not.
   */
  notifyChange(change: FeedChange, options?: ChangeOptions): void;
  /** Put a new config state in force (the caller validated it). */
  setConfigState(next: ConfigState): void;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  readonly metrics?: Metrics;
  /**
   * Where collects parse upstream documents (parse-threads.ts); the runtime closes it. Absent:
   * on this thread, for tests and tools that serve nothing.
   */
  readonly parsePool?: ParsePool;
  /** Told when each source's run starts and ends (`collect` on a terminal draws it). */
  readonly progress?: RunProgress;
}

/** Builds the service graph from settings and a validated config: the one place that wires. */
export async function createRuntime(
  settings: Settings,
  initial: ConfigState,
  clock: Clock,
  logger: Logger,
  options: RuntimeOptions = {},
): Promise<Runtime> {
  const { metrics, parsePool, progress } = options;
  const state: { current: ConfigState } = { current: initial };
  const store = await openStore(settings.database, { clock });
  const listeners: Array<(change: FeedChange) => void> = [];
  const notifyChange = (change: FeedChange, options: ChangeOptions = {}): void => {
    feeds.invalidate([...change.changedCategories, ALL_SLUG], { serveStale: options.readAfterWrite !== true });
    for (const listener of listeners) listener(change);
  };
  const ttlMinutes = createTtlMinutes();
  const catalog = (): FeedCatalog => ({ site: state.current.config.site, categories: state.current.config.categories });

  const feeds = createFeedService({
    baseUrl: settings.baseUrl,
    catalog,
    loadPage: (query) => store.queryFeed(query),
    // The hub pings the external hubs it started with (websub settings need a restart, see
    // live-config.ts), so feeds advertise those same ones.
    hubs: () => [hubUrl(settings.baseUrl), ...initial.config.websub.externalHubs],
    ttlMinutes: () => ttlMinutes(state.current.config.sources),
    generator: productToken(initial.config.product),
    clock,
    onBackgroundError: (variant, error) =>
      logger.warn(
        { variant, err: describeError(error) },
        "publish: a feed's re-render failed; its previous bytes are served",
      ),
  });
  // The byte budget applies live: a reload that lowers it evicts at once.
  feeds.cache.setLimits({ maxBytes: initial.config.publish.cacheMaxBytes });

  const worker = createWorker(planFor(state.current.config), {
    store,
    collectors: COLLECTORS,
    ...(parsePool !== undefined && { parse: parsePool.parse }),
    clock,
    random: Math.random,
    logger,
    limiter: createLimiter(initial.config.worker.concurrency, initial.config.worker.perHost),
    ...(progress && { onStart: (sourceId: string) => progress.started(sourceId) }),
    onResult: (result: SourceRunResult) => {
      metrics?.recordSourceRun(result);
      progress?.finished(result);
      if (result.changed) notifyChange(result);
    },
  });

  return {
    settings,
    store,
    feeds,
    worker,
    clock,
    logger,
    configState: () => state.current,
    catalog,
    onChange: (listener) => listeners.push(listener),
    notifyChange,
    setConfigState: (next) => {
      state.current = next;
      feeds.cache.setLimits({ maxBytes: next.config.publish.cacheMaxBytes });
      parsePool?.setBudget(next.config.worker.parseBudgetMs);
    },
    close: async () => {
      await parsePool?.close();
      await store.close();
    },
  };
}

/**
 * The classifier, compiled when first asked for: its place tables take about 65 MB, and a
 * server-only process of a cluster (issue 12) never classifies unless an admin refresh lands on it.
 */
function classifierOnFirstUse(config: Config): Classifier {
  let compiled: Classifier | undefined;
  return (item, sourceCategories) => (compiled ??= compileClassifier(config.categories))(item, sourceCategories);
}

export function planFor(config: Config): WorkerPlan {
  return {
    sources: config.sources,
    classify: classifierOnFirstUse(config),
    fetchOptions: config.fetch,
    backoff: config.backoff,
    perHost: config.worker.perHost,
    concurrency: config.worker.concurrency,
  };
}
