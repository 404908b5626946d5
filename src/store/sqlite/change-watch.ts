import { changesSince } from "../rows/change-log.js";
import type { ChangeWatch, StoreChange, WatchChangesOptions } from "../store.js";
import type { SqliteChangeLog } from "./change-log.js";

/** A few hundred ms: a check that finds nothing is one PRAGMA (microseconds, see the README). */
export const DEFAULT_POLL_MS = 250;

export interface SqliteWatchDeps {
  readonly log: SqliteChangeLog;
  /** This store instance's writer id: rows carrying it were reported as they committed. */
  readonly writer: string;
  /** The store's busy-retrying guard, so a check waits out a lock like any read. */
  readonly read: <T>(action: string, work: () => T) => Promise<T>;
  /** Called once stopped, so the store forgets the watch. */
  readonly stopped: (watch: SqliteChangeWatch) => void;
}

/**
 * Watches an SQLite file for other connections' commits. SQLite cannot notify another process, so
 * each check reads `PRAGMA data_version` and, only when another connection committed since the
 * last one, the change log after the newest revision seen. The store reports its own writes
 * through `ownChange` as they commit; data_version does not move for them anyway.
 */
export class SqliteChangeWatch implements ChangeWatch {
  readonly pushed = false;
  readonly #deps: SqliteWatchDeps;
  readonly #listener: (change: StoreChange) => void;
  readonly #timer: NodeJS.Timeout;
  /** The newest revision up to which every change has been reported. */
  #seen: number;
  #dataVersion: number;
  /** Checks run one after another: two at once would report the same rows twice. */
  #checking: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(
    deps: SqliteWatchDeps,
    listener: (change: StoreChange) => void,
    start: { readonly revision: number; readonly dataVersion: number },
    options: WatchChangesOptions,
  ) {
    this.#deps = deps;
    this.#listener = listener;
    this.#seen = start.revision;
    this.#dataVersion = start.dataVersion;
    this.#timer = setInterval(() => {
      this.checkNow().catch((error: unknown) => options.onError?.(error));
    }, options.pollMs ?? DEFAULT_POLL_MS);
    this.#timer.unref();
  }

  checkNow(): Promise<void> {
    const check = this.#checking.then(() => this.#deps.read("check for changes", () => this.#check()));
    this.#checking = check.catch(() => undefined);
    return check;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#deps.stopped(this);
    await this.#checking;
  }

  /** One of this instance's writes committed `change`. */
  ownChange(change: StoreChange): void {
    // Nothing else happened since the last change seen: the watcher is up to date (else the log
    // would fall behind after CHANGE_LOG_LENGTH of our own writes and a later check report a gap).
    if (change.revision === this.#seen + 1) this.#seen = change.revision;
    this.#emit(change);
  }

  #check(): void {
    if (this.#stopped) return;
    // data_version first, the log second: a commit landing between them is either in the rows read
    // or moves data_version again for the next check; the other order could miss it until a later commit.
    const dataVersion = this.#deps.log.dataVersion();
    if (dataVersion === this.#dataVersion) return;
    const { revision, rows } = this.#deps.log.readAfter(this.#seen);
    const changes = changesSince(this.#seen, revision, rows, this.#deps.writer);
    this.#dataVersion = dataVersion;
    this.#seen = Math.max(this.#seen, revision);
    for (const change of changes) if (!change.ours) this.#emit(change);
  }

  #emit(change: StoreChange): void {
    if (this.#stopped) return;
    try {
      this.#listener(change);
    } catch {
      // The listener owns its failures (Store.watchChanges says it must not throw); one bad call
      // must not end the watch.
    }
  }
}
