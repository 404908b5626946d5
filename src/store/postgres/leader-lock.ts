import pg from "pg";
import type { LeaderLock } from "../leader.js";

/** What the lock reports about itself: a pino logger fits. */
export interface LeaderLockLogger {
  info(obj: object, msg: string): void;
}

export interface LeaderLockOptions {
  /** The advisory lock key every replica of one deployment shares (pg_try_advisory_lock). */
  readonly key: bigint | number;
  /** Wait between attempts while not leader, and between liveness checks while leader (default 2000). */
  readonly retryMs?: number;
  /**
   * How long PostgreSQL keeps the lock of a leader that went silent (its host died, its network
   * was cut, its process froze) before ending its session; default 15000. Must comfortably
   * exceed `retryMs`, since every check and attempt resets it.
   */
  readonly sessionTimeoutMs?: number;
  readonly logger?: LeaderLockLogger;
}

/** Arbitrary but fixed: the key replicas of this service compete for unless told otherwise. */
export const DEFAULT_LEADER_LOCK_KEY = 0x6e66_7000_0000_0002n;

const DEFAULT_RETRY_MS = 2_000;
const DEFAULT_SESSION_TIMEOUT_MS = 15_000;

/**
 * Settings of the lock's session. A leader whose host dies sends no FIN, so without them
 * PostgreSQL would keep its session, and the lock, until the kernel's TCP keepalive gives up
 * (about two hours by default). `idle_session_timeout` (PostgreSQL 14+) ends a session silent for
 * longer than the timeout whatever the network does; the TCP keepalives notice a dead peer within
 * about 11 s on servers without it.
 */
export function leaderSessionSettings(sessionTimeoutMs: number): string[] {
  return [
    `SET idle_session_timeout = ${Math.round(sessionTimeoutMs)}`,
    "SET tcp_keepalives_idle = 5",
    "SET tcp_keepalives_interval = 2",
    "SET tcp_keepalives_count = 3",
  ];
}

/**
 * Leader election on a PostgreSQL session-level advisory lock, held on a dedicated connection.
 * Whoever holds the lock leads; the others retry every `retryMs`. PostgreSQL releases a session
 * lock when its session ends, so when the leader process dies (or its connection is cut) another
 * replica takes over on its next attempt. The leader checks its connection every `retryMs` too:
 * losing it means losing the lock, reported as `onChange(false)`, and it competes again on a new
 * connection.
 */
export function createLeaderLock(url: string, opts: LeaderLockOptions): LeaderLock {
  return new AdvisoryLeaderLock(url, opts);
}

class AdvisoryLeaderLock implements LeaderLock {
  readonly #url: string;
  readonly #key: string;
  readonly #retryMs: number;
  readonly #sessionTimeoutMs: number;
  readonly #logger: LeaderLockLogger | undefined;
  #onChange: ((isLeader: boolean) => void) | undefined;
  #client: pg.Client | undefined;
  #leader = false;
  #timer: NodeJS.Timeout | undefined;
  /** The attempt or check under way, so stop() waits for it instead of racing it. */
  #tick: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(url: string, opts: LeaderLockOptions) {
    this.#url = url;
    this.#key = BigInt(opts.key).toString();
    this.#retryMs = opts.retryMs ?? DEFAULT_RETRY_MS;
    this.#sessionTimeoutMs = opts.sessionTimeoutMs ?? Math.max(DEFAULT_SESSION_TIMEOUT_MS, this.#retryMs * 5);
    this.#logger = opts.logger;
  }

  start(onChange: (isLeader: boolean) => void): void {
    if (this.#onChange !== undefined || this.#stopped) return;
    this.#onChange = onChange;
    this.#run();
  }

  isLeader(): boolean {
    return this.#leader;
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#tick;
    const client = this.#client;
    this.#client = undefined;
    // Ending the session releases the lock; no explicit pg_advisory_unlock is needed.
    await client?.end().catch(() => undefined);
    this.#setLeader(false, "stopped");
  }

  #run(): void {
    this.#tick = (this.#leader ? this.#check() : this.#attempt()).finally(() => {
      if (!this.#stopped) this.#timer = setTimeout(() => this.#run(), this.#retryMs);
    });
  }

  /** Try to take the lock, opening a connection first if there is none. */
  async #attempt(): Promise<void> {
    try {
      const client = this.#client ?? (await this.#connect());
      const result = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1::bigint) AS locked", [
        this.#key,
      ]);
      if (result.rows[0]?.locked === true && !this.#stopped) this.#setLeader(true, "took the leader lock");
    } catch (cause) {
      this.#drop(cause);
    }
  }

  /** A leader's liveness check: a connection that cannot answer no longer holds the lock. */
  async #check(): Promise<void> {
    try {
      if (this.#client === undefined) throw new Error("leader connection closed");
      await this.#client.query("SELECT 1");
    } catch (cause) {
      this.#drop(cause);
    }
  }

  async #connect(): Promise<pg.Client> {
    const client = new pg.Client({
      connectionString: this.#url,
      application_name: "news-feed-publisher leader lock",
      keepAlive: true,
      keepAliveInitialDelayMillis: 5_000,
      // A leader cut off from PostgreSQL must notice before the server gives its lock to another
      // replica (sessionTimeoutMs): a check that hangs longer counts as lost.
      query_timeout: Math.max(1_000, Math.floor(this.#sessionTimeoutMs / 3)),
      connectionTimeoutMillis: Math.max(1_000, Math.floor(this.#sessionTimeoutMs / 3)),
    });
    // The session is the lock: when it dies ("error" for a broken or terminated connection,
    // "end" when it closes), leadership is gone.
    client.on("error", (cause) => this.#lost(client, cause));
    client.on("end", () => this.#lost(client, new Error("connection ended")));
    this.#client = client;
    await client.connect();
    for (const setting of leaderSessionSettings(this.#sessionTimeoutMs)) {
      // idle_session_timeout is unknown before PostgreSQL 14: keep the keepalives then.
      await client
        .query(setting)
        .catch((cause: unknown) =>
          this.#logger?.info({ setting, cause: String(cause) }, "leader lock: setting refused"),
        );
    }
    return client;
  }

  #lost(client: pg.Client, cause: unknown): void {
    if (client === this.#client) this.#drop(cause);
  }

  /** Forget the connection (and with it the lock) so the next attempt opens a new one. */
  #drop(cause: unknown): void {
    const client = this.#client;
    // A failed connect can be reported twice (its "error" event and the rejected promise).
    if (client === undefined && !this.#leader) return;
    this.#client = undefined;
    client?.end().catch(() => undefined);
    const reason = cause instanceof Error ? cause.message : String(cause);
    if (this.#leader) this.#setLeader(false, `lost the leader lock: ${reason}`);
    else this.#logger?.info({ key: this.#key, reason }, "leader lock: cannot reach PostgreSQL; retrying");
  }

  #setLeader(leader: boolean, msg: string): void {
    if (this.#leader === leader) return;
    this.#leader = leader;
    this.#logger?.info({ key: this.#key, leader }, `leader lock: ${msg}`);
    this.#onChange?.(leader);
  }
}
