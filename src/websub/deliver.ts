import { createHmac, randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { Clock } from "../model/index.js";
import type { ClaimedDelivery, Store, WebSubSubscription } from "../store/store.js";
import type { Limiter } from "../shared/limiter.js";
import type { CallbackClient } from "./callback-request.js";
import { redactUrl } from "../net/redact-url.js";
import { linkHeaderValue } from "../publish/feed-links.js";

/** What a topic's subscribers are sent (W3C WebSub §7): the whole current feed. */
export interface TopicContent {
  readonly body: Buffer;
  readonly contentType: string;
}

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  /** Wait before the second attempt; doubled for each further one, up to maxDelayMs. */
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, initialDelayMs: 30_000, maxDelayMs: 15 * 60_000 };

/** Waits `ms`, or rejects when `signal` aborts (new work arrived, or the queue paused). */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

/**
 * What became of one delivery attempt ("delivered", "gone": the subscriber answered 410,
 * "failed": retried while attempts remain) or of a whole delivery ("abandoned": out of attempts).
 */
export type DeliveryOutcome = "delivered" | "gone" | "failed" | "abandoned";

export interface DeliveryQueueDeps {
  readonly send: CallbackClient;
  readonly store: Pick<Store, "claimDeliveries" | "finishDelivery" | "nextDeliveryAt" | "removeSubscription">;
  /**
   * The topic's content now, rendered at send time (the render cache makes that one render per
   * topic per change, however many subscribers); undefined when the topic is no longer published.
   */
  readonly content: (topic: string) => Promise<TopicContent | undefined>;
  readonly hubUrl: string;
  readonly limiter: Limiter;
  readonly clock: Clock;
  readonly sleep: Sleep;
  readonly retry: RetryPolicy;
  /** Deliveries claimed at once (and sent concurrently, through the limiter). */
  readonly batch: number;
  /** How long a claim is ours; long enough to send a whole batch one after another. */
  readonly leaseMs: number;
  readonly logger: Logger;
  /** Told every attempt's outcome (metrics); must not throw. */
  readonly onDelivery?: (outcome: DeliveryOutcome) => void;
  /** Claim tokens (tests may name them). */
  readonly newToken?: () => string;
}

export interface DeliveryQueue {
  /** Start draining the store's queue (this instance leads); idempotent. */
  start(): void;
  /** Deliveries were queued: claim them now rather than at the next planned look. */
  wake(): void;
  /** Stop claiming (leadership lost, shutdown); attempts in flight finish and are recorded. */
  pause(): void;
  /** Resolves once nothing is in flight and, while draining, nothing is queued. */
  idle(): Promise<void>;
}

type AttemptResult = "delivered" | "gone" | "failed";

/** A failing store (database restarting) is asked again after this, not in a tight loop. */
const STORE_RETRY_MS = 5_000;

/**
 * Delivers updated feeds from the store's delivery queue (issue 9: retries used to live in the
 * leader's memory and died with it). Rows are claimed under a lease, so a new leader, or a
 * second replica draining at once, never sends an attempt another sender holds; a sender that
 * dies leaves its rows to be claimed again when the lease lapses. A newer change supersedes a
 * pending delivery in the store, and the subscription is read again at each claim: one removed,
 * expired or re-keyed meanwhile gets no stale request, and the current secret signs it.
 */
export function createDeliveryQueue(deps: DeliveryQueueDeps): DeliveryQueue {
  const newToken = deps.newToken ?? randomUUID;
  let draining = false;
  let loop: Promise<void> | undefined;
  /** Set by wake(): the queue may hold work the loop has not looked at yet. */
  let dirty = false;
  /** The loop found the queue empty and waits to be woken: nothing to wait for. */
  let empty = false;
  let nap: AbortController | undefined;
  let waiters: Array<() => void> = [];

  function notify(): void {
    const woken = waiters;
    waiters = [];
    for (const resolve of woken) resolve();
  }

  async function drain(): Promise<void> {
    while (draining) {
      dirty = false;
      try {
        const token = newToken();
        const claimed = await deps.store.claimDeliveries({
          token,
          now: deps.clock(),
          leaseMs: deps.leaseMs,
          limit: deps.batch,
        });
        if (claimed.length > 0) {
          await Promise.all(claimed.map((delivery) => deliver(delivery, token)));
          continue;
        }
        const next = await deps.store.nextDeliveryAt();
        if (next === undefined) {
          empty = true;
          notify();
          await rest(undefined).finally(() => (empty = false));
        } else {
          await rest(Math.max(0, next - deps.clock()));
        }
      } catch (error) {
        deps.logger.error({ err: error }, "websub: delivery queue failed; trying again shortly");
        await rest(STORE_RETRY_MS);
      }
    }
  }

  /** Sleep `ms` (undefined: until woken), cut short by wake() or pause(). */
  async function rest(ms: number | undefined): Promise<void> {
    if (!draining || dirty) return;
    const controller = new AbortController();
    nap = controller;
    try {
      if (ms === undefined) {
        await new Promise<void>((resolve) => controller.signal.addEventListener("abort", () => resolve()));
      } else {
        await deps.sleep(ms, controller.signal);
      }
    } catch (error) {
      if (!controller.signal.aborted) throw error;
    } finally {
      if (nap === controller) nap = undefined;
    }
  }

  async function deliver(delivery: ClaimedDelivery, token: string): Promise<void> {
    const { subscription } = delivery;
    const log = { topic: delivery.topic, callback: redactUrl(delivery.callback), attempt: delivery.attempt };
    // A lapsed lease after the last attempt (its sender died mid-way): that attempt counted.
    if (delivery.attempt > deps.retry.attempts) return giveUp(delivery, token, log);
    const content = await deps.content(delivery.topic);
    if (content === undefined) {
      deps.logger.info(log, "websub: topic no longer published; delivery dropped");
      return deps.store.finishDelivery(delivery, token, null);
    }
    const result = await deps.limiter.run(new URL(delivery.callback).host, () =>
      attemptDelivery(content, subscription),
    );
    deps.onDelivery?.(result);
    if (result === "delivered") return deps.store.finishDelivery(delivery, token, null);
    if (result === "gone") {
      // WebSub §7: a 410 Gone means the subscriber has gone away; stop delivering to it.
      await deps.store.removeSubscription(subscription.topic, subscription.callback);
      deps.logger.info(log, "websub: subscriber answered 410; subscription removed");
      return deps.store.finishDelivery(delivery, token, null);
    }
    if (delivery.attempt >= deps.retry.attempts) return giveUp(delivery, token, log);
    const retryAt = deps.clock() + backoffDelay(deps.retry, delivery.attempt + 1);
    return deps.store.finishDelivery(delivery, token, retryAt);
  }

  async function giveUp(delivery: ClaimedDelivery, token: string, log: Record<string, unknown>): Promise<void> {
    await deps.store.finishDelivery(delivery, token, null);
    deps.onDelivery?.("abandoned");
    deps.logger.warn({ ...log, attempts: deps.retry.attempts }, "websub: delivery abandoned after retries");
  }

  async function attemptDelivery(content: TopicContent, subscription: WebSubSubscription): Promise<AttemptResult> {
    try {
      const response = await deps.send({
        method: "POST",
        url: new URL(subscription.callback),
        headers: distributionHeaders(content, subscription, deps.hubUrl),
        body: content.body,
      });
      if (response.status >= 200 && response.status <= 299) return "delivered";
      if (response.status === 410) return "gone";
      deps.logger.info(
        { callback: redactUrl(subscription.callback), status: response.status },
        "websub: delivery refused; will retry",
      );
    } catch (error) {
      deps.logger.info(
        { callback: redactUrl(subscription.callback), err: error },
        "websub: delivery failed; will retry",
      );
    }
    return "failed";
  }

  return {
    start() {
      if (draining) return;
      draining = true;
      // A paused loop may still be finishing its batch: the new one starts after it.
      const mine: Promise<void> = (loop ?? Promise.resolve())
        .then(drain)
        .catch((error: unknown) => deps.logger.error({ err: error }, "websub: delivery queue stopped"))
        .finally(() => {
          if (loop === mine) loop = undefined;
          notify();
        });
      loop = mine;
    },
    wake() {
      dirty = true;
      nap?.abort();
    },
    pause() {
      draining = false;
      nap?.abort();
    },
    async idle() {
      while (loop !== undefined && !(draining && empty && !dirty)) {
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
  };
}

/**
 * WebSub §7: the feed itself, its Content-Type, the hub and self links, and with a secret an
 * HMAC of the exact body bytes (§8: X-Hub-Signature: method=signature).
 */
export function distributionHeaders(
  content: TopicContent,
  subscription: WebSubSubscription,
  hubUrl: string,
): Record<string, string> {
  return {
    "Content-Type": content.contentType,
    Link: linkHeaderValue({ selfUrl: subscription.topic, hubs: [hubUrl] }),
    ...(subscription.secret === null ? {} : { "X-Hub-Signature": signature(subscription.secret, content.body) }),
  };
}

export function signature(secret: string, body: Buffer): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** The wait before attempt `attempt` (2, 3, …): initial, doubling, capped. */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 2));
}
