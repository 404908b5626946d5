import { realpathSync, watch, type FSWatcher } from "node:fs";
import path from "node:path";
import type { Logger } from "pino";
import { formatProblem, loadConfig, type Config, type ConfigProblem } from "../config/config.js";
import { compileClassifier, type Classifier } from "../classify/classifier.js";
import { reclassifyStoredItems } from "../worker/reclassify.js";
import { describeError } from "../shared/describe-error.js";
import { classificationFingerprint } from "./classification-fingerprint.js";
import { planFor, type Runtime } from "./runtime.js";

export type ReloadOutcome =
  | { readonly ok: true; readonly warnings: readonly ConfigProblem[]; readonly reclassified: number }
  | { readonly ok: false; readonly problems: readonly ConfigProblem[] };

export interface ConfigReloader {
  /** Validate the files in full and apply them atomically, or keep the last good config. */
  reload(reason: string): Promise<ReloadOutcome>;
  /**
   * Reclassify every stored item with the rules in force (on the leader only): run when this
   * instance starts leading, since rules edited while no leader ran (the service was down, a
   * reload on a replica) were never applied to stored items. Skipped, and logged, when the store
   * says its items are already classified under these rules (the fingerprint of the last whole
   * pass). Queued with reloads, in order.
   */
  reclassify(reason: string): Promise<number>;
  /** Watch CONFIG_DIR for edits (debounced). */
  watch(): void;
  /** Stop watching. */
  stop(): void;
  /** Resolves when no reload or reclassification is under way (before the store closes). */
  idle(): Promise<void>;
}

export interface ReloaderDeps {
  readonly configDir: string;
  readonly runtime: Runtime;
  readonly logger: Logger;
  /** Only the worker leader rewrites stored categories; replicas just see the result. */
  readonly isLeader: () => boolean;
  /** Called after the new config is in force (reset parsed URLs, …). */
  readonly onApplied?: (config: Config) => void;
  readonly onOutcome?: (outcome: ReloadOutcome) => void;
  readonly debounceMs?: number;
}

const WATCHED_FILES = new Set(["sources.yaml", "categories.yaml"]);

/**
 * Kubernetes mounts a ConfigMap as symbolic links (`sources.yaml -> ..data/sources.yaml`) and
 * updates it by pointing `..data` at a new timestamped directory (kubelet's AtomicWriter: it writes
 * `..2026_12_02…`, links `..data_tmp` to it and renames that over `..data`). The files' own names
 * never change, so the swap shows only as events on these `..`-names.
 */
function isConfigEvent(file: string): boolean {
  return WATCHED_FILES.has(file) || file.startsWith("..");
}

/**
 * Live config: edits to config/*.yaml (or SIGHUP) are validated as a whole; a broken edit is
 * rejected and shown on /status while the last good config keeps serving; a good one replaces
 * the config in one step, reschedules the worker and reclassifies stored items.
 */
export function createConfigReloader(deps: ReloaderDeps): ConfigReloader {
  const { runtime, logger } = deps;
  let watcher: FSWatcher | undefined;
  let targetWatchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  /** The config the service started with: what the hub runs on until a restart. */
  const startedWith = runtime.configState().config;

  async function reloadNow(reason: string): Promise<ReloadOutcome> {
    const result = await loadConfig(deps.configDir, startedWith.product);
    const at = runtime.clock();
    if (!result.ok) {
      runtime.setConfigState({ ...runtime.configState(), rejected: { at, problems: result.problems } });
      logger.error(
        { reason, problems: result.problems.map(formatProblem) },
        "config edit rejected; the last good config stays in force",
      );
      return { ok: false, problems: result.problems };
    }
    const previous = runtime.configState().config;
    const warnings = [...result.warnings, ...restartNotes(startedWith, result.config, deps.configDir)];
    const { reclassified: lastReclassified } = runtime.configState();
    runtime.setConfigState({
      config: result.config,
      loadedAt: at,
      warnings,
      ...(lastReclassified && { reclassified: lastReclassified }),
    });
    const plan = planFor(result.config);
    runtime.worker.update(plan);
    runtime.feeds.invalidateAll();
    deps.onApplied?.(result.config);
    for (const warning of warnings) logger.warn({ problem: formatProblem(warning) }, "config warning");
    const reclassified = classificationChanged(previous, result.config)
      ? await reclassifyNow(reason, { classify: plan.classify })
      : 0;
    logger.info(
      { reason, sources: result.config.sources.length, categories: result.config.categories.length },
      "config reloaded",
    );
    return { ok: true, warnings, reclassified };
  }

  /**
   * Rewrites stored categories with the rules in force (compiled, when the caller has them);
   * returns how many items changed. `unlessRecorded`: not when the store's fingerprint already
   * names these rules.
   */
  async function reclassifyNow(
    reason: string,
    options: { readonly classify?: Classifier; readonly unlessRecorded?: boolean } = {},
  ): Promise<number> {
    if (!deps.isLeader()) return 0;
    const { config } = runtime.configState();
    const fingerprint = classificationFingerprint(config);
    if (options.unlessRecorded === true && (await runtime.store.classificationFingerprint()) === fingerprint) {
      logger.info(
        { reason, fingerprint },
        "stored items reclassification skipped: the store's items were last classified under these same rules",
      );
      return 0;
    }
    const started = runtime.clock();
    const slugs = config.categories.map((category) => category.slug);
    const outcome = await reclassifyStoredItems(
      runtime.store,
      options.classify ?? compileClassifier(config.categories),
      config.sources,
      started,
      slugs,
    );
    if (outcome.changed > 0) {
      runtime.notifyChange({ changedCategories: outcome.changedCategories }, { readAfterWrite: true });
    }
    // Recorded only after the whole walk: a pass that threw or was killed halfway leaves the old
    // fingerprint, so the next leader runs it again. A pass that lost leadership on the way may
    // have raced the new leader's, so it leaves the record to that one.
    if (deps.isLeader()) await runtime.store.recordClassificationFingerprint(fingerprint);
    const { examined, changed, moves } = outcome;
    runtime.setConfigState({
      ...runtime.configState(),
      reclassified: { at: started, reason, examined, changed, moves },
    });
    logger.info(
      {
        reason,
        examined,
        changed,
        moves: moves.map((move) => `${move.slug} +${move.entered} -${move.left}`),
        ms: runtime.clock() - started,
      },
      "stored items reclassified",
    );
    return outcome.changed;
  }

  function schedule(reason: string): void {
    clearTimeout(timer);
    timer = setTimeout(() => {
      watchTargets(); // a ConfigMap swap or a new link points the files somewhere else
      void reload(reason);
    }, deps.debounceMs ?? 300);
  }

  /**
   * A config file that is a symbolic link is edited where it points: watch the directories of the
   * link targets too (an edit there raises no event in CONFIG_DIR), for the target's own name.
   */
  function watchTargets(): void {
    for (const target of targetWatchers) target.close();
    targetWatchers = [];
    const ownDir = resolvedOrSelf(deps.configDir);
    const targets = new Map<string, Set<string>>();
    for (const name of WATCHED_FILES) {
      const real = resolvedOrSelf(path.join(deps.configDir, name));
      if (path.dirname(real) === ownDir) continue;
      const names = targets.get(path.dirname(real)) ?? new Set<string>();
      targets.set(path.dirname(real), names.add(path.basename(real)));
    }
    for (const [dir, names] of targets) {
      try {
        const target = watch(dir, (_event, file) => {
          if (file && !names.has(String(file))) return;
          schedule(`edit of ${path.join(dir, String(file ?? ""))}`);
        });
        target.on("error", () => undefined); // a target directory that goes away is re-resolved at the next event
        targetWatchers.push(target);
      } catch (error) {
        logger.warn(
          { dir, err: describeError(error) },
          "cannot watch a config link's target directory; use SIGHUP to reload",
        );
      }
    }
  }

  /** One reload or reclassification at a time, in order: the last edit always wins. */
  function enqueue<T>(work: () => Promise<T>): Promise<T> {
    const next = queue.then(work);
    queue = next.catch(() => undefined);
    return next;
  }

  function reload(reason: string): Promise<ReloadOutcome> {
    const next = enqueue(() => reloadNow(reason));
    return next.then(
      (outcome) => {
        deps.onOutcome?.(outcome);
        return outcome;
      },
      (error: unknown) => {
        logger.error({ reason, err: describeError(error) }, "config reload failed");
        const outcome: ReloadOutcome = {
          ok: false,
          problems: [{ file: deps.configDir, path: "", message: describeError(error), severity: "error" }],
        };
        deps.onOutcome?.(outcome);
        return outcome;
      },
    );
  }

  return {
    reload,
    reclassify: (reason) =>
      enqueue(() => reclassifyNow(reason, { unlessRecorded: true })).catch((error: unknown) => {
        logger.error({ reason, err: describeError(error) }, "reclassifying stored items failed");
        return 0;
      }),
    watch() {
      if (watcher) return;
      // Watch the directory, not the files: editors save by writing a new file and renaming it.
      watcher = watch(deps.configDir, (_event, file) => {
        if (file && !isConfigEvent(String(file))) return;
        schedule(`edit of ${String(file ?? "config")}`);
      });
      watcher.on("error", (error) =>
        logger.error({ err: describeError(error) }, "config watch failed; use SIGHUP to reload"),
      );
      watchTargets();
    },
    stop() {
      clearTimeout(timer);
      watcher?.close();
      watcher = undefined;
      for (const target of targetWatchers) target.close();
      targetWatchers = [];
    },
    async idle() {
      await queue;
    },
  };
}

/** Whether stored items may now belong to other categories. */
function classificationChanged(before: Config, after: Config): boolean {
  return classificationFingerprint(before) !== classificationFingerprint(after);
}

/**
 * Settings fixed when the service starts — the running hub's (its subscriptions' lease bounds and
 * callback guard) and the parse pool's size — so an edit to them is accepted, and said to wait
 * for a restart, rather than applied to half of what runs.
 */
function restartNotes(startedWith: Config, next: Config, configDir: string): ConfigProblem[] {
  const file = path.join(configDir, "sources.yaml");
  const notes: ConfigProblem[] = [];
  if (JSON.stringify(startedWith.websub) !== JSON.stringify(next.websub)) {
    notes.push({
      file,
      path: "websub",
      message: "websub settings take effect after a restart; the hub keeps the ones it started with",
      severity: "warning",
    });
  }
  if (startedWith.worker.parseThreads !== next.worker.parseThreads) {
    notes.push({
      file,
      path: "worker.parse_threads",
      message: "worker.parse_threads takes effect after a restart; the parse pool keeps the threads it started with",
      severity: "warning",
    });
  }
  return notes;
}

function resolvedOrSelf(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}
