import type { Logger } from "pino";
import type { Clock, EpochMs } from "../../model/index.js";
import { readMemberMessage, type PrimaryMessage, type ProcessInfo, type ProcessRole } from "./messages.js";

/** One forked serving process, as the supervisor sees it (cluster-fork.ts adapts node:cluster's Worker). */
export interface ForkedProcess {
  readonly pid: number | undefined;
  send(message: PrimaryMessage): void;
  kill(signal: NodeJS.Signals): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (code: number | null, signal: NodeJS.Signals | null) => void): void;
}

export type Fork = (role: ProcessRole) => ForkedProcess;

export interface SupervisorOptions {
  /** How many processes serve HTTP; one more collects. */
  readonly servers: number;
  readonly fork: Fork;
  readonly clock: Clock;
  readonly logger: Logger;
  /** A process that dies is forked again after this, doubled for each quick death in a row. */
  readonly restartDelayMs: { readonly min: number; readonly max: number };
  /** A process that lived this long died of something new: its slot's delay starts over. */
  readonly stableAfterMs: number;
  /** After SIGTERM, how long the processes have to finish (their running collects) before SIGKILL. */
  readonly shutdownTimeoutMs: number;
  /** How often the roster goes out with the memory the processes reported. */
  readonly rosterEveryMs: number;
  /** Makes one exposition of every process's metrics (metrics/cluster-metrics.ts). */
  readonly aggregateMetrics: (parts: readonly (readonly object[])[]) => Promise<Exposition>;
  /** How long the processes have to send their metrics for one scrape. */
  readonly metricsTimeoutMs: number;
}

interface Exposition {
  readonly contentType: string;
  readonly body: string;
}

/** One GET /metrics being answered: whose request, and which processes' parts are still due. */
interface Collection {
  readonly requester: ForkedProcess;
  readonly requestId: number;
  readonly due: Set<ForkedProcess>;
  readonly parts: (readonly object[])[];
  readonly timer: NodeJS.Timeout;
}

export interface Supervisor {
  /** Resolves once every process is ready; rejects when one exits before all were (a start-up failure). */
  readonly started: Promise<void>;
  /** Resolves with the exit code once every process has exited after `stop` or a start-up failure. */
  readonly done: Promise<number>;
  /** Every process reloads the config, as a single process does on SIGHUP. */
  reload(reason: string): void;
  /** SIGTERM to every process (each finishes its running collects); SIGKILL after the timeout. */
  stop(): Promise<number>;
  /** The live processes, for logs and tests. */
  roster(): readonly ProcessInfo[];
}

interface Slot {
  readonly role: ProcessRole;
  current?: ForkedProcess;
  startedAt: EpochMs;
  /** It said it is up (messages.ts "ready"): serving, or collecting. */
  ready: boolean;
  rssBytes?: number;
  restarts: number;
  quickDeaths: number;
  restartTimer?: NodeJS.Timeout;
}

/**
 * The primary of `serve` with WEB_CONCURRENCY > 1 (issue 12): it forks the collector (worker,
 * WebSub deliveries, FEEDS_DIR snapshot; no HTTP, so a collect pass never delays a poll) and
 * WEB_CONCURRENCY servers, and keeps the slots filled. It relays "the store changed" from any process to
 * the others, which then read the store's change notifications at once instead of at their next
 * poll, so a collect invalidates every process's render cache within milliseconds. The caller
 * maps signals: SIGHUP to `reload`, SIGTERM and SIGINT to `stop`.
 */
export function superviseProcesses(options: SupervisorOptions): Supervisor {
  const { fork, clock, logger } = options;
  const slots: Slot[] = Array.from({ length: options.servers + 1 }, (_, index) => ({
    role: index === 0 ? "collector" : "server",
    startedAt: clock(),
    ready: false,
    restarts: 0,
    quickDeaths: 0,
  }));
  let everyoneReady = false;
  let stopping: Promise<number> | undefined;
  let exitCode = 0;
  let resolveStarted: () => void = () => undefined;
  let rejectStarted: (error: Error) => void = () => undefined;
  const started = new Promise<void>((resolve, reject) => {
    resolveStarted = resolve;
    rejectStarted = reject;
  });
  // Nobody may be waiting on `started` when a late process fails; that is not unhandled.
  started.catch(() => undefined);
  let resolveDone: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => (resolveDone = resolve));

  const roster = (): ProcessInfo[] =>
    slots.flatMap((slot) =>
      slot.current?.pid === undefined || !slot.ready
        ? []
        : [
            {
              pid: slot.current.pid,
              role: slot.role,
              startedAt: slot.startedAt,
              restarts: slot.restarts,
              ...(slot.rssBytes !== undefined && { rssBytes: slot.rssBytes }),
            },
          ],
    );
  const broadcast = (message: PrimaryMessage, except?: ForkedProcess): void => {
    for (const slot of slots) {
      if (slot.current && slot.ready && slot.current !== except) slot.current.send(message);
    }
  };
  const sendRoster = (): void => broadcast({ feedPublisher: "roster", processes: roster() });
  const rosterTimer = setInterval(sendRoster, options.rosterEveryMs);
  rosterTimer.unref();

  function start(slot: Slot): void {
    const child = fork(slot.role);
    slot.current = child;
    slot.startedAt = clock();
    slot.ready = false;
    delete slot.rssBytes;
    child.onMessage((value) => {
      const message = readMemberMessage(value);
      if (message?.feedPublisher === "ready") becameReady(slot, child);
      else if (message?.feedPublisher === "store-changed") broadcast(message, child);
      else if (message?.feedPublisher === "heartbeat") slot.rssBytes = message.rssBytes;
      else if (message?.feedPublisher === "metrics-request") collectMetrics(child, message.id);
      else if (message?.feedPublisher === "metrics-part" && message.error !== undefined) {
        settle(message.id, { error: `process ${String(child.pid)} could not read its metrics: ${message.error}` });
      } else if (message?.feedPublisher === "metrics-part") receivePart(child, message.id, message.metrics);
    });
    child.onExit((code, signal) => exited(slot, child, code, signal));
  }

  function becameReady(slot: Slot, child: ForkedProcess): void {
    if (slot.current !== child || slot.ready) return;
    slot.ready = true;
    if (!everyoneReady && slots.every((each) => each.ready)) {
      everyoneReady = true;
      resolveStarted();
    }
    sendRoster();
  }

  const collections = new Map<number, Collection>();
  let nextCollection = 1;

  /**
   * A scrape that reached one process gets every process's metrics: the primary asks each
   * ready process for its part and answers once all arrived. A part that does not come in
   * time fails the scrape (Prometheus records a gap) rather than dropping a process's counters,
   * which rate() would read as a reset.
   */
  function collectMetrics(requester: ForkedProcess, requestId: number): void {
    const id = nextCollection++;
    const due = new Set(slots.flatMap((slot) => (slot.current && slot.ready ? [slot.current] : [])));
    due.add(requester);
    const timer = setTimeout(() => {
      const late = [...due].map((child) => child.pid).join(", ");
      settle(id, { error: `process ${late} did not send its metrics within ${options.metricsTimeoutMs} ms` });
    }, options.metricsTimeoutMs);
    timer.unref();
    collections.set(id, { requester, requestId, due, parts: [], timer });
    for (const child of due) child.send({ feedPublisher: "metrics-collect", id });
  }

  function receivePart(child: ForkedProcess, id: number, part: readonly object[]): void {
    const collection = collections.get(id);
    if (!collection?.due.delete(child)) return;
    collection.parts.push(part);
    if (collection.due.size === 0) complete(id, collection);
  }

  /** Every part is in (or its process died): aggregate and answer. */
  function complete(id: number, collection: Collection): void {
    options.aggregateMetrics(collection.parts).then(
      (exposition) => settle(id, { exposition }),
      (error: unknown) => settle(id, { error: `the metrics could not be aggregated: ${String(error)}` }),
    );
  }

  function settle(id: number, answer: { exposition: Exposition } | { error: string }): void {
    const collection = collections.get(id);
    if (collection === undefined) return;
    collections.delete(id);
    clearTimeout(collection.timer);
    collection.requester.send({ feedPublisher: "metrics", id: collection.requestId, ...answer });
  }

  function exited(slot: Slot, child: ForkedProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (slot.current !== child) return;
    // A process that died owes no part: its counters are gone with it.
    for (const [id, collection] of collections) {
      if (collection.requester === child) {
        clearTimeout(collection.timer);
        collections.delete(id);
      } else if (collection.due.delete(child) && collection.due.size === 0) {
        complete(id, collection);
      }
    }
    delete slot.current;
    slot.ready = false;
    // Not `pid`/`role`: the primary's own log lines carry those.
    const who = { member: { pid: child.pid, role: slot.role }, code, signal };
    if (stopping !== undefined) {
      // The exit code tells how the shutdown went; a process that died earlier was replaced.
      if (code !== 0) exitCode = 1;
      if (slots.every((each) => each.current === undefined)) finish();
      return;
    }
    if (!everyoneReady) {
      // Its siblings would fail the same way (the port taken, the store unreadable): forking
      // again for ever would hide the cause behind a loop. Stop, as a single process would.
      logger.error(who, "a serving process exited while starting; stopping");
      rejectStarted(new Error(`cluster: a ${slot.role} process exited while starting (code ${String(code)})`));
      exitCode = 1;
      void stop();
      return;
    }
    const lived = clock() - slot.startedAt;
    slot.quickDeaths = lived < options.stableAfterMs ? slot.quickDeaths + 1 : 0;
    const delay = Math.min(
      options.restartDelayMs.max,
      options.restartDelayMs.min * 2 ** Math.max(0, slot.quickDeaths - 1),
    );
    logger.error({ ...who, livedMs: lived, restartInMs: delay }, "a serving process died; forking another");
    sendRoster();
    slot.restartTimer = setTimeout(() => {
      delete slot.restartTimer;
      if (stopping !== undefined) return;
      slot.restarts++;
      start(slot);
    }, delay);
  }

  function finish(): void {
    clearInterval(rosterTimer);
    resolveDone(exitCode);
  }

  function stop(): Promise<number> {
    stopping ??= (() => {
      for (const slot of slots) {
        clearTimeout(slot.restartTimer);
        delete slot.restartTimer;
        slot.current?.kill("SIGTERM");
      }
      if (slots.every((slot) => slot.current === undefined)) finish();
      const killer = setTimeout(() => {
        for (const slot of slots) {
          if (slot.current === undefined) continue;
          logger.error(
            { member: { pid: slot.current.pid, role: slot.role } },
            "a serving process did not stop in time; killing it",
          );
          slot.current.kill("SIGKILL");
        }
      }, options.shutdownTimeoutMs);
      killer.unref();
      return done.finally(() => clearTimeout(killer));
    })();
    return stopping;
  }

  for (const slot of slots) start(slot);
  return {
    started,
    done,
    reload: (reason) => broadcast({ feedPublisher: "reload", reason }),
    stop,
    roster,
  };
}
