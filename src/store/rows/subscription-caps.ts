import type { SubscriptionCaps, SubscriptionWrite } from "../store.js";

/** What both stores count before a subscription write, at one instant. */
export interface SubscriptionCounts {
  /** A live subscription with this (topic, callback) exists: the write renews it. */
  readonly renewal: boolean;
  readonly host: number;
  readonly total: number;
}

/**
 * The caps rule (issue 9), one place for both stores: a renewal always fits (refusing it would
 * drop a subscriber the hub already serves); a new subscription must leave its host and the hub
 * within their caps. The host cap is named first: it is the one a single subscriber can fix.
 */
export function judgeSubscription(counts: SubscriptionCounts, caps: SubscriptionCaps): SubscriptionWrite {
  if (counts.renewal) return "renewed";
  if (counts.host >= caps.perHost) return "host-full";
  if (counts.total >= caps.total) return "hub-full";
  return "created";
}
