import pg, { type ClientConfig, type Notification } from "pg";
import { changesSince, type ChangeRow } from "../rows/change-log.js";
import type { ChangeWatch, StoreChange } from "../store.js";
import { StoreError } from "../store-error.js";
import { CHANGES_CHANNEL, decodeChange } from "./change-notice.js";

/** How the listening session shows in pg_stat_activity. */
export const LISTENER_APPLICATION_NAME = "news-feed-publisher changes";

export interface ChangeListenerOptions {
  /** How to reach the database: the store's own connection settings. */
  readonly connection: ClientConfig;
  /** The store's current revision, read when listening starts. */
  readonly readRevision: () => Promise<number>;
  /**
   * The revision now and the change log rows after `seen`, read in one snapshot: what a
   * reconnection missed, or what is new when asked to check now.
   */
  readonly readChangesAfter: (seen: number) => Promise<{ revision: number; rows: readonly ChangeRow[] }>;
  /** The store instance's writer id: notifications and rows carrying it are `ours`. */
  readonly writer: string;
  /** Wait between reconnection attempts. */
  readonly retryMs: number;
}

/**
 * LISTEN for committed changes on a dedicated connection (a pooled one would be handed to other
 * queries and lose the LISTEN). Resolves once listening, rejects with a StoreError if the first
 * connection fails. A connection lost later is re-opened every `retryMs`; notifications sent
 * meanwhile are gone, so the changes are read from the change log instead (every category, if
 * they fell out of it).
 */
export async function listenForChanges(
  opts: ChangeListenerOptions,
  listener: (change: StoreChange) => void,
): Promise<ChangeWatch> {
  const subscription = new ChangeSubscription(opts, listener);
  try {
    await subscription.connect();
  } catch (cause) {
    await subscription.close();
    throw new StoreError(
      `store: cannot listen for changes: ${cause instanceof Error ? cause.message : String(cause)}`,
      {
        cause,
      },
    );
  }
  return { pushed: true, checkNow: () => subscription.catchUp(), stop: () => subscription.close() };
}

class ChangeSubscription {
  readonly #opts: ChangeListenerOptions;
  readonly #listener: (change: StoreChange) => void;
  #client: pg.Client | undefined;
  #retry: NodeJS.Timeout | undefined;
  #closed = false;
  /**
   * The newest revision up to which every change was reported; -1 until the first connection has
   * read it. Notifications arrive in commit order, and revisions grow in commit order (writers take
   * turns on the revision row), so anything at or below it was reported already.
   */
  #revision = -1;

  constructor(opts: ChangeListenerOptions, listener: (change: StoreChange) => void) {
    this.#opts = opts;
    this.#listener = listener;
  }

  async connect(): Promise<void> {
    const client = new pg.Client({ ...this.#opts.connection, application_name: LISTENER_APPLICATION_NAME });
    client.on("notification", (message) => this.#onNotification(message));
    // A pg client emits "error" when its connection dies (a terminated backend, a network
    // failure) and "end" when it closes; either way this connection is done for.
    client.on("error", () => this.#lost(client));
    client.on("end", () => this.#lost(client));
    this.#client = client;
    await client.connect();
    await client.query(`LISTEN ${CHANGES_CHANNEL}`);
    if (this.#closed) {
      // Closed while this reconnection was under way.
      await client.end().catch(() => undefined);
      return;
    }
    if (this.#revision < 0) this.#revision = await this.#opts.readRevision();
    else await this.catchUp();
  }

  /** Report what the change log holds beyond what was reported: missed notifications, or ones not yet delivered. */
  async catchUp(): Promise<void> {
    const seen = this.#revision;
    const { revision, rows } = await this.#opts.readChangesAfter(seen);
    // Notifications heard while reading were reported already; report only what is still new.
    for (const change of changesSince(seen, revision, rows, this.#opts.writer)) {
      if (change.revision > this.#revision) {
        this.#revision = change.revision;
        this.#emit(change);
      }
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }

  #onNotification(message: Notification): void {
    if (message.channel !== CHANGES_CHANNEL) return;
    const change = decodeChange(message.payload, this.#opts.writer);
    if (change === undefined || change.revision <= this.#revision) return;
    this.#revision = change.revision;
    this.#emit(change);
  }

  #emit(change: StoreChange): void {
    try {
      this.#listener(change);
    } catch {
      // The listener owns its failures (Store.watchChanges says it must not throw); one bad
      // call must not end the subscription.
    }
  }

  #lost(client: pg.Client): void {
    if (client !== this.#client) return;
    this.#client = undefined;
    client.end().catch(() => undefined);
    this.#scheduleReconnect();
  }

  /** At most one reconnection is ever pending, whichever of "error", "end" or a failed attempt asks first. */
  #scheduleReconnect(): void {
    if (this.#closed || this.#retry !== undefined) return;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      this.connect().catch(() => {
        const failed = this.#client;
        this.#client = undefined;
        failed?.end().catch(() => undefined);
        this.#scheduleReconnect();
      });
    }, this.#opts.retryMs);
  }
}
