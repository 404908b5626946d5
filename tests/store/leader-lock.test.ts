import { randomInt } from "node:crypto";
import pg from "pg";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { LeaderLock } from "../../src/store/leader.js";
import { LISTENER_APPLICATION_NAME } from "../../src/store/postgres/change-listener.js";
import { createLeaderLock, leaderSessionSettings } from "../../src/store/postgres/leader-lock.js";
import { openPostgresStore, type PostgresStore } from "../../src/store/postgres/postgres-store.js";
import type { StoreChange } from "../../src/store/store.js";
import { makeItem } from "./store-contract.js";
import {
  eventually,
  lockRetriedTwice,
  postgresTestUrl,
  SKIP_HINT,
  testSchemas,
  urlWithSchema,
} from "./postgres-test-db.js";

const url = postgresTestUrl();

if (url === undefined) {
  console.warn(`PostgreSQL leader lock and change notification tests SKIPPED: ${SKIP_HINT}`);
  describe.skip(`PostgreSQL leader lock and change notifications SKIPPED: ${SKIP_HINT}`, () => {
    it("elects one leader and hands over when it dies; notifies replicas of commits", () => undefined);
  });
} else {
  describeLeaderLock(url);
  describeChangeNotifications(url);
}

/** Run SQL on a short-lived connection of its own (the test's view from outside the replicas). */
async function sql<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

function describeLeaderLock(url: string): void {
  describe("PostgreSQL leader lock", () => {
    let locks: LeaderLock[] = [];

    afterEach(async () => {
      for (const lock of locks) await lock.stop();
      locks = [];
    });

    /**
     * A lock on a key no other test uses, recording every change it reports. Its session is named
     * `name` (the connection string's application_name wins over the lock's own), so the test can
     * watch its attempts in pg_stat_activity.
     */
    function replica(key: bigint, retryMs: number, name = "replica"): { lock: LeaderLock; changes: boolean[] } {
      const changes: boolean[] = [];
      const named = new URL(url);
      named.searchParams.set("application_name", `${name}-${key}`);
      const lock = createLeaderLock(named.toString(), { key, retryMs });
      locks.push(lock);
      lock.start((isLeader) => changes.push(isLeader));
      return { lock, changes };
    }

    function uniqueKey(): bigint {
      return BigInt(randomInt(1, 2 ** 47));
    }

    /** The backend holding a session advisory lock on `key` (pg_locks splits it into classid/objid). */
    async function holderPid(key: bigint): Promise<number | undefined> {
      const rows = await sql<{ pid: number }>(
        url,
        `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1
         AND ((classid::bigint << 32) | objid::bigint) = $1::bigint`,
        [key.toString()],
      );
      return rows[0]?.pid;
    }

    it("elects exactly one of two replicas, and the lock is really held in PostgreSQL", async () => {
      const key = uniqueKey();
      const a = replica(key, 50, "a");
      const b = replica(key, 50, "b");
      await eventually("one replica leads", () => a.lock.isLeader() || b.lock.isLeader());
      // Two attempts of the other later, it still has not taken the lock.
      const holder = await holderPid(key);
      await lockRetriedTwice(url, `${a.lock.isLeader() ? "b" : "a"}-${key}`);
      expect([a.lock.isLeader(), b.lock.isLeader()].filter(Boolean)).toHaveLength(1);
      expect(await holderPid(key)).toBe(holder);
      expect(holder).toBeTypeOf("number");
      expect([...a.changes, ...b.changes]).toEqual([true]);
    });

    it("hands leadership to the other replica when the leader stops", async () => {
      const key = uniqueKey();
      const first = replica(key, 50);
      await eventually("the first replica leads", () => first.lock.isLeader());
      const second = replica(key, 50);
      await first.lock.stop();
      expect(first.changes).toEqual([true, false]);
      await eventually("the second replica leads", () => second.lock.isLeader(), 5_000);
      expect(second.changes).toEqual([true]);
    });

    it("loses leadership when its session is killed, and the other replica takes over within seconds", async () => {
      const key = uniqueKey();
      // The leader retries slowly after losing its session, so the standby wins the race.
      const leader = replica(key, 1_500);
      await eventually("the first replica leads", () => leader.lock.isLeader());
      const standby = replica(key, 50);
      const pid = await holderPid(key);
      expect(pid).toBeTypeOf("number");

      await sql(url, "SELECT pg_terminate_backend($1)", [pid]);
      await eventually("the killed leader reports the loss", () => leader.changes.at(-1) === false, 5_000);
      await eventually("the standby leads", () => standby.lock.isLeader(), 5_000);
      expect(leader.lock.isLeader()).toBe(false);
      const newHolder = await holderPid(key);
      expect(newHolder).not.toBe(pid);
    });

    it("takes over from a leader that went silent (host died, process froze) once PostgreSQL ends its session", async () => {
      const key = uniqueKey();
      // A leader that stops talking without closing its connection, as a dead host does: it took
      // the lock with the lock's own session settings and then sends nothing more.
      const silent = new pg.Client({ connectionString: url });
      await silent.connect();
      silent.on("error", () => undefined);
      for (const setting of leaderSessionSettings(1_000)) await silent.query(setting);
      await silent.query("SELECT pg_try_advisory_lock($1::bigint)", [key.toString()]);
      const silentPid = await holderPid(key);
      expect(silentPid).toBeTypeOf("number");
      const standby = replica(key, 100, "standby");
      // The standby tries while the silent session still holds the lock, and fails.
      await lockRetriedTwice(url, `standby-${key}`);
      expect(standby.lock.isLeader()).toBe(false);
      expect(standby.changes).toEqual([]);
      await eventually("the standby leads once the silent session is ended", () => standby.lock.isLeader(), 5_000);
      expect(await holderPid(key)).not.toBe(silentPid);
      await silent.end().catch(() => undefined);
    });

    it("keeps retrying while PostgreSQL is unreachable, without throwing", async () => {
      const messages: string[] = [];
      const changes: boolean[] = [];
      const lock = createLeaderLock("postgres://postgres@127.0.0.1:1/feeds", {
        key: 1,
        retryMs: 20,
        logger: { info: (_obj, msg) => messages.push(msg) },
      });
      locks.push(lock);
      lock.start((isLeader) => changes.push(isLeader));
      await eventually("two failed attempts are logged", () => messages.length >= 2);
      expect(lock.isLeader()).toBe(false);
      expect(changes).toEqual([]);
      expect(messages[0]).toMatch(/cannot reach PostgreSQL/);
    });
  });
}

function describeChangeNotifications(url: string): void {
  describe("PostgreSQL change notifications", () => {
    const schemas = testSchemas(url);
    let opened: PostgresStore[] = [];

    afterEach(async () => {
      for (const store of opened) await store.close();
      opened = [];
    });

    afterAll(async () => {
      await schemas.dropAll();
    });

    /** Two replicas sharing one fresh schema: the writer and a watcher recording every change. */
    async function replicas(
      listenRetryMs = 100,
    ): Promise<{ writer: PostgresStore; watcher: PostgresStore; seen: StoreChange[]; schema: string }> {
      const schema = await schemas.create();
      const schemaUrl = urlWithSchema(url, schema);
      const writer = await openPostgresStore(schemaUrl, { clock: () => 1 });
      const watcher = await openPostgresStore(schemaUrl, { clock: () => 1, listenRetryMs });
      opened.push(writer, watcher);
      await writer.migrate();
      const seen: StoreChange[] = [];
      await watcher.watchChanges((change) => seen.push(change));
      return { writer, watcher, seen, schema };
    }

    it("tells another replica the new revision and changed categories after each commit, never for a rollback", async () => {
      const { writer, seen } = await replicas();
      await writer.commitRun({ sourceId: "s", at: 1 }, [makeItem("a", { categories: ["world", "technology"] })], 1);
      await eventually("the first change arrives", () => seen.length === 1);
      expect(seen[0]).toEqual({ revision: 1, categories: ["technology", "world"], ours: false });

      const broken = { ...makeItem("bad"), title: null } as unknown as ReturnType<typeof makeItem>;
      await expect(writer.commitRun({ sourceId: "s", at: 2 }, [broken], 2)).rejects.toThrow();
      // A run that changes nothing announces nothing either.
      await writer.commitRun({ sourceId: "s", at: 3 }, [makeItem("a", { categories: ["world", "technology"] })], 3);
      await writer.prune("walaw-world", { maxItemsPerSource: 0, maxAgeMs: Infinity }, 4);
      await eventually("the prune arrives", () => seen.length >= 2);
      // Notifications arrive in commit order, so anything from the rollback would precede this.
      expect(seen).toEqual([
        { revision: 1, categories: ["technology", "world"], ours: false },
        { revision: 2, categories: ["technology", "world"], ours: false },
      ]);
      expect(await writer.revision()).toBe(2);
    });

    it("announces reclassification too, and stops after unsubscribe", async () => {
      const schema = await schemas.create();
      const schemaUrl = urlWithSchema(url, schema);
      const store = await openPostgresStore(schemaUrl, { clock: () => 1 });
      opened.push(store);
      await store.migrate();
      await store.commitRun({ sourceId: "s", at: 1 }, [makeItem("k")], 1);
      const seen: StoreChange[] = [];
      const watch = await store.watchChanges((change) => seen.push(change));
      await store.setItemCategories([{ id: "k", categories: ["technology"] }], 2);
      await eventually("the reclassification arrives", () => seen.length === 1);
      expect(seen[0]).toEqual({ revision: 2, categories: ["technology", "world"], ours: true });

      await watch.stop();
      await store.setItemCategories([{ id: "k", categories: ["world"] }], 3);
      const listeners = await sql<{ n: number }>(
        url,
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()",
        [LISTENER_APPLICATION_NAME],
      );
      expect(listeners[0]?.n ?? 0).toBe(0);
      expect(seen).toHaveLength(1);
    });

    it("reconnects after its LISTEN session is killed and reads the changes it missed from the change log", async () => {
      // The watcher waits 1.5 s before reconnecting, so the commit below lands while nobody listens
      // (flaked at 100 ms under load: a commit slower than the retry was heard live).
      const { writer, seen } = await replicas(1_500);
      const [listener] = await sql<{ pid: number }>(
        url,
        "SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()",
        [LISTENER_APPLICATION_NAME],
      );
      expect(listener).toBeDefined();
      await sql(url, "SELECT pg_terminate_backend($1)", [listener?.pid]);
      // pg_terminate_backend only signals the backend: wait until it is gone, or a busy machine can
      // still deliver the next notification to it (flaked under load: seen ["world"], not everyCategory).
      await eventually("the LISTEN session is gone", async () => {
        const rows = await sql<{ n: number }>(url, "SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1", [
          listener?.pid,
        ]);
        return (rows[0]?.n ?? 0) === 0;
      });
      // Committed while nobody listens: this notification is lost for the watcher.
      await writer.commitRun({ sourceId: "s", at: 1 }, [makeItem("missed", { categories: ["world"] })], 1);

      await eventually("the watcher catches up", () => seen.length >= 1, 5_000);
      expect(seen[0]).toEqual({ revision: 1, categories: ["world"], ours: false });
      await writer.commitRun({ sourceId: "s", at: 2 }, [makeItem("heard", { categories: ["technology"] })], 2);
      await eventually("live notifications resume", () => seen.length === 2, 5_000);
      expect(seen[1]).toEqual({ revision: 2, categories: ["technology"], ours: false });
    });
  });
}
