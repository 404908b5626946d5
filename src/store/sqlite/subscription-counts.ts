/**
 * The live subscription counts the caps rule reads (rows/subscription-caps.ts) on every
 * subscription request and again when it is stored. Each is one range of its own covering index
 * (migration 7's websub_subscriptions_host, migration 2's websub_subscriptions_expiry), so the
 * table is never read. One query with `count(*) FILTER (WHERE callback_host = …)` over the expiry
 * range read every live row from the table instead: 16 ms per request at 5,000 subscriptions, and
 * subscribing 10,000 grew quadratically (bench/scale/websub.mjs, issue 12).
 */
export const LIVE_ON_HOST_SQL =
  "SELECT count(*) FROM websub_subscriptions WHERE callback_host = @host AND expires_at > @now";

export const LIVE_IN_ALL_SQL = "SELECT count(*) FROM websub_subscriptions WHERE expires_at > @now";
