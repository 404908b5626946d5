import type { ClaimedDelivery, WebSubSubscription } from "../store.js";

export interface SubscriptionRow {
  readonly topic: string;
  readonly callback: string;
  readonly secret: string | null;
  readonly lease_seconds: number;
  readonly verified_at: number;
  readonly expires_at: number;
}

export function subscriptionFromRow(row: SubscriptionRow): WebSubSubscription {
  return {
    topic: row.topic,
    callback: row.callback,
    secret: row.secret,
    leaseSeconds: row.lease_seconds,
    verifiedAt: row.verified_at,
    expiresAt: row.expires_at,
  };
}

/** A claimed delivery joined with its live subscription (both stores select these columns). */
export interface ClaimedDeliveryRow extends SubscriptionRow {
  readonly generation: number;
  readonly attempt: number;
}

export function claimedDeliveryFromRow(row: ClaimedDeliveryRow): ClaimedDelivery {
  return {
    topic: row.topic,
    callback: row.callback,
    generation: row.generation,
    attempt: row.attempt,
    subscription: subscriptionFromRow(row),
  };
}
