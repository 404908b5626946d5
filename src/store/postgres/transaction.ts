import type { Pool, PoolClient } from "pg";

/**
 * Run `work` between BEGIN and COMMIT on one pooled connection; any failure rolls back and is
 * rethrown as is. A connection that cannot even roll back goes back to the pool as broken, so
 * the pool drops it instead of handing out a session stuck in a failed transaction.
 */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (cause) {
    broken = await rollback(client);
    throw cause;
  } finally {
    client.release(broken);
  }
}

async function rollback(client: PoolClient): Promise<Error | undefined> {
  try {
    await client.query("ROLLBACK");
    return undefined;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}
