import { createHmac } from "node:crypto";
import type { Logger } from "pino";
import type { Clock } from "../model/index.js";
import type { Store, WebSubSubscription } from "../store/store.js";
import type { Limiter } from "../worker/limiter.js";
import type { CallbackClient } from "./callback-request.js";
import { redactUrl } from "../net/redact-url.js";

/** One content distribution (W3C WebSub §7): the whole updated feed, to one subscriber. */
export interface Delivery {
  readonly subscription: WebSubSubscription;
  readonly body: Buffer;
  readonly contentType: string;
  readonly hubUrl: string;
}

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  /** Wait before the second attempt; doubled for each further one, up to maxDelayMs. */
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, initialDelayMs: 30_000, maxDelayMs: 15 * 60_000 };

/** Waits `ms`, or rejects when `signal` aborts (the hub stopping). */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

/**
 * What became of one delivery attempt ("delivered", "gone": the subscriber answered 410,
 * "failed": retried while attempts remain) or of a whole delivery ("abandoned": out of attempts).
 */
export type DeliveryOutcome = "delivered" | "gone" | "failed" | "abandoned";

export interface DeliveryQueueDeps {
  readonly send: CallbackClient;
  readonly store: Pick<Store, "listSubscriptions" | "removeSubscription">;
  readonly limiter: Limiter;
  readonly clock: Clock;
  readonly sleep: Sleep;
  readonly retry: RetryPolicy;
  readonly logger: Logger;
  /** Told every attempt's outcome (metrics); must not throw. */
  readonly onDelivery?: (outcome: DeliveryOutcome) => void;
}

export interface DeliveryQueue {
  /** Queue a delivery; returns at once (collect passes never wait on subscribers). */
  enqueue(delivery: Delivery): void;
  /** Resolves when every queued delivery has finished, retries included. */
  idle(): Promise<void>;
  /** Drop pending retries; requests in flight end by their own timeout. */
  stop(): void;
}

type AttemptResult = "delivered" | "gone" | "failed";

/**
 * Delivers updated feeds with bounded retries. A newer delivery to the same subscriber
 * supersedes one still waiting to retry, so a slow subscriber never receives an older feed
 * after a newer one. Before a retry the subscription is read again: one removed, expired or
 * re-keyed meanwhile gets no stale request, and the current secret signs it.
 */
export function createDeliveryQueue(deps: DeliveryQueueDeps): DeliveryQueue {
  const latest = new Map<string, number>();
  const running = new Set<Promise<void>>();
  const stopping = new AbortController();
  let sequence = 0;

  async function run(delivery: Delivery, key: string, mine: number): Promise<void> {
    let subscription: WebSubSubscription | undefined = delivery.subscription;
    for (let attempt = 1; attempt <= deps.retry.attempts; attempt++) {
      if (attempt > 1) {
        await deps.sleep(backoffDelay(deps.retry, attempt), stopping.signal);
        subscription = await currentSubscription(delivery.subscription);
      }
      const current = subscription;
      if (latest.get(key) !== mine || current === undefined || current.expiresAt <= deps.clock()) return;
      const result = await deps.limiter.run(new URL(current.callback).host, () => attemptDelivery(delivery, current));
      deps.onDelivery?.(result);
      if (result === "delivered") return;
      if (result === "gone") {
        // WebSub §7: a 410 Gone means the subscriber has gone away; stop delivering to it.
        await deps.store.removeSubscription(current.topic, current.callback);
        deps.logger.info(
          { topic: current.topic, callback: redactUrl(current.callback) },
          "websub: subscriber answered 410; subscription removed",
        );
        return;
      }
    }
    deps.onDelivery?.("abandoned");
    deps.logger.warn(
      {
        topic: delivery.subscription.topic,
        callback: redactUrl(delivery.subscription.callback),
        attempts: deps.retry.attempts,
      },
      "websub: delivery abandoned after retries",
    );
  }

  async function currentSubscription(previous: WebSubSubscription): Promise<WebSubSubscription | undefined> {
    const live = await deps.store.listSubscriptions(previous.topic, deps.clock());
    return live.find((candidate) => candidate.callback === previous.callback);
  }

  async function attemptDelivery(delivery: Delivery, subscription: WebSubSubscription): Promise<AttemptResult> {
    try {
      const response = await deps.send({
        method: "POST",
        url: new URL(subscription.callback),
        headers: distributionHeaders(delivery, subscription),
        body: delivery.body,
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
    enqueue(delivery) {
      if (stopping.signal.aborted) return;
      const key = `${delivery.subscription.topic}\n${delivery.subscription.callback}`;
      const mine = ++sequence;
      latest.set(key, mine);
      const task = run(delivery, key, mine)
        .catch((error: unknown) => {
          if (!stopping.signal.aborted)
            deps.logger.error(
              { err: error, callback: redactUrl(delivery.subscription.callback) },
              "websub: delivery crashed",
            );
        })
        .finally(() => {
          if (latest.get(key) === mine) latest.delete(key);
          running.delete(task);
        });
      running.add(task);
    },
    async idle() {
      while (running.size > 0) await Promise.all(running);
    },
    stop() {
      stopping.abort();
    },
  };
}

/**
 * WebSub §7: the feed itself, its Content-Type, the hub and self links, and with a secret an
 * HMAC of the exact body bytes (§8: X-Hub-Signature: method=signature).
 */
export function distributionHeaders(delivery: Delivery, subscription: WebSubSubscription): Record<string, string> {
  return {
    "Content-Type": delivery.contentType,
    Link: `<${delivery.hubUrl}>; rel="hub", <${subscription.topic}>; rel="self"`,
    ...(subscription.secret === null ? {} : { "X-Hub-Signature": signature(subscription.secret, delivery.body) }),
  };
}

export function signature(secret: string, body: Buffer): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** The wait before attempt `attempt` (2, 3, …): initial, doubling, capped. */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 2));
}
