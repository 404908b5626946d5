import { setTimeout as delay } from "node:timers/promises";
import express, { Router, type Request, type Response } from "express";
import type { Logger } from "pino";
import { HttpProblem, sendProblem } from "../http/problem.js";
import type { Clock, FeedFormat } from "../model/index.js";
import { ALL_SLUG } from "../model/index.js";
import type { FeedService } from "../publish/feed-service.js";
import { FORMAT_EXTENSIONS, type FeedVariant } from "../publish/feed-variant.js";
import type { Store, SubscriptionCaps, SubscriptionWrite } from "../store/store.js";
import { callbackHost } from "../urls/callback-host.js";
import { createLimiter } from "../shared/limiter.js";
import { describeError } from "../shared/describe-error.js";
import { CallbackRefused, createCallbackGuard, type Resolve } from "./callback-guard.js";
import { createCallbackClient } from "./callback-request.js";
import { createDeliveryQueue, DEFAULT_RETRY, type DeliveryOutcome, type RetryPolicy, type Sleep } from "./deliver.js";
import { notifyDenied } from "./deny.js";
import { parseHubRequest, variantOfTopic, type HubRequest, type LeaseLimits } from "./hub-request.js";
import { pingExternalHubs } from "./publish-ping.js";
import { verifyIntent } from "./verify-intent.js";
import { redactUrl } from "../net/redact-url.js";

/** What ops may set (config `websub:`); everything has a safe default. */
export interface HubOptions {
  readonly lease: LeaseLimits;
  /** Off by default: callbacks must resolve to public addresses only (SSRF guard). */
  readonly allowPrivateCallbacks: boolean;
  /** CIDR blocks let through even though private, e.g. a reader on the same LAN. */
  readonly allowedCallbackNetworks: readonly string[];
  /** Other hubs to advertise and to ping (hub.mode=publish) when a feed changes. */
  readonly externalHubs: readonly string[];
  readonly retry: RetryPolicy;
  /** Deadline for one request to a callback or external hub. */
  readonly requestTimeoutMs: number;
  /** Live subscriptions per callback host and in all (config `websub.max_subscriptions…`). */
  readonly subscriptionCaps: SubscriptionCaps;
}

/** Every option but the caps, whose defaults config/build.ts states (ops set them). */
export const DEFAULT_HUB_OPTIONS: Omit<HubOptions, "subscriptionCaps"> = {
  // WebSub §5.1 leaves lease bounds to the hub: 10 days by default, at least an hour (so a
  // subscriber cannot make us re-verify constantly), at most 30 days.
  lease: { defaultSeconds: 10 * 86_400, minSeconds: 3_600, maxSeconds: 30 * 86_400 },
  allowPrivateCallbacks: false,
  allowedCallbackNetworks: [],
  externalHubs: [],
  retry: DEFAULT_RETRY,
  requestTimeoutMs: 10_000,
};

export interface HubDeps {
  readonly baseUrl: string;
  readonly store: Store;
  readonly feeds: Pick<FeedService, "render">;
  readonly categorySlugs: () => readonly string[];
  readonly clock: Clock;
  readonly logger: Logger;
  readonly userAgent: string;
  readonly options: Partial<HubOptions> & Pick<HubOptions, "subscriptionCaps">;
  /** DNS for callback hosts (tests map names to addresses). */
  readonly resolve?: Resolve;
  /** Waits between delivery retries (tests record the delays instead of waiting). */
  readonly sleep?: Sleep;
  readonly fetch?: typeof fetch;
  /** Told every delivery attempt's outcome (metrics). */
  readonly onDelivery?: (outcome: DeliveryOutcome) => void;
}

export interface Hub {
  /** `${baseUrl}/websub`: advertise it as rel="hub". */
  readonly url: string;
  /** Every hub to advertise: this one, then the external ones. */
  readonly hubs: readonly string[];
  /** POST /websub (subscription requests). */
  readonly router: Router;
  /** Queue deliveries of the feeds these category changes affect; returns at once. */
  onChange(changedCategories: readonly string[]): void;
  /** Send what the store's delivery queue holds, now and as it fills (this instance leads). */
  startDelivering(): void;
  /** Stop claiming deliveries (leadership lost); queued ones stay for the next leader. */
  stopDelivering(): void;
  /**
   * Resolves when every verification and distribution under way has finished and, while
   * delivering, the delivery queue is empty (retries included).
   */
  idle(): Promise<void>;
  /** Stop taking work; queued deliveries stay in the store. */
  stop(): void;
}

/** Verifications waiting at once; beyond this a subscriber is asked to come back later. */
const MAX_PENDING_VERIFICATIONS = 100;
/** A challenge echo is short; a subscriber's reply to a delivery is not read at all beyond this. */
const MAX_RESPONSE_BYTES = 1024;
/** Deliveries claimed at once: as many as the limiter sends at once overall. */
const DELIVERY_BATCH = 8;

export function hubUrl(baseUrl: string): string {
  return `${baseUrl}/websub`;
}

/** The built-in WebSub hub (W3C WebSub Recommendation) for this service's own feeds. */
export function createHub(deps: HubDeps): Hub {
  const options: HubOptions = { ...DEFAULT_HUB_OPTIONS, ...deps.options };
  const slugs = deps.categorySlugs;
  const url = hubUrl(deps.baseUrl);
  const guard = createCallbackGuard({
    allowPrivateCallbacks: options.allowPrivateCallbacks,
    allowedNetworks: options.allowedCallbackNetworks,
    ...(deps.resolve ? { resolve: deps.resolve } : {}),
  });
  const send = createCallbackClient({
    guard,
    userAgent: deps.userAgent,
    timeoutMs: options.requestTimeoutMs,
    maxResponseBytes: MAX_RESPONSE_BYTES,
  });
  const limiter = createLimiter(DELIVERY_BATCH, 2);
  const queue = createDeliveryQueue({
    send,
    store: deps.store,
    content: async (topic) => {
      const variant = variantOfTopic(topic, deps.baseUrl, slugs());
      if (variant === undefined) return undefined;
      const feed = await deps.feeds.render(variant);
      return { body: feed.identity, contentType: feed.contentType };
    },
    hubUrl: url,
    limiter,
    clock: deps.clock,
    sleep: deps.sleep ?? ((ms, signal) => delay(ms, undefined, { signal, ref: false })),
    retry: options.retry,
    batch: DELIVERY_BATCH,
    // Even sent one after another (one host, limited to 2 at once, takes 4 rounds) a batch ends
    // well within this; past it another sender may take the rows over and send them again.
    leaseMs: DELIVERY_BATCH * options.requestTimeoutMs,
    logger: deps.logger,
    ...(deps.onDelivery ? { onDelivery: deps.onDelivery } : {}),
  });
  const tasks = new Set<Promise<void>>();
  const lastDistributed = new Map<string, string>();
  let pendingVerifications = 0;
  let stopped = false;

  function track(work: () => Promise<void>, what: string): void {
    if (stopped) return;
    const task = work()
      .catch((error: unknown) => deps.logger.error({ err: error }, `websub: ${what} failed`))
      .finally(() => tasks.delete(task));
    tasks.add(task);
  }

  async function handleRequest(req: Request, res: Response): Promise<void> {
    if (!req.is("application/x-www-form-urlencoded") || typeof req.body !== "string") {
      throw new HttpProblem(
        415,
        "Unsupported media type",
        "Send hub requests as application/x-www-form-urlencoded (WebSub §5.1).",
      );
    }
    const request = parseHubRequest(new URLSearchParams(req.body), {
      baseUrl: deps.baseUrl,
      categorySlugs: deps.categorySlugs(),
      lease: options.lease,
    });
    await checkCallback(request);
    if (request.mode === "subscribe") {
      const verdict = await deps.store.previewSubscription(
        request.topic,
        request.callback.href,
        options.subscriptionCaps,
        deps.clock(),
      );
      if (verdict === "host-full" || verdict === "hub-full") throw capProblem(verdict, request);
    }
    if (pendingVerifications >= MAX_PENDING_VERIFICATIONS) {
      res.set("Retry-After", "60");
      throw new HttpProblem(
        429,
        "Too many requests",
        "The hub is verifying many subscriptions; try again in a minute.",
      );
    }
    // §5.2: accept now, verify asynchronously.
    res.status(202).set("Cache-Control", "no-store").end();
    pendingVerifications++;
    track(() => verifyAndApply(request).finally(() => pendingVerifications--), "verification");
  }

  async function checkCallback(request: HubRequest): Promise<void> {
    try {
      await guard.check(request.callback);
    } catch (error) {
      if (!(error instanceof CallbackRefused)) throw error;
      throw new HttpProblem(
        400,
        "Bad hub request",
        `"hub.callback" is not allowed: ${error.message.replace(/^websub: /, "")}.`,
        {
          parameter: "hub.callback",
        },
      );
    }
  }

  async function verifyAndApply(request: HubRequest): Promise<void> {
    const outcome = await verifyIntent(request, send);
    const log = { mode: request.mode, topic: request.topic, callback: redactUrl(request.callback.href) };
    if (!outcome.verified) {
      // §5.3: an unverified request changes nothing, so a failed unsubscribe keeps the subscription.
      deps.logger.info({ ...log, reason: outcome.reason }, "websub: intent not verified; request dropped");
      return;
    }
    if (request.mode === "unsubscribe") {
      await deps.store.removeSubscription(request.topic, request.callback.href);
    } else {
      const now = deps.clock();
      const written = await deps.store.upsertSubscription(
        {
          topic: request.topic,
          callback: request.callback.href,
          secret: request.secret,
          leaseSeconds: request.leaseSeconds,
          verifiedAt: now,
          expiresAt: now + request.leaseSeconds * 1000,
        },
        options.subscriptionCaps,
      );
      if (written === "host-full" || written === "hub-full") {
        // Others filled the room while this one was verified: §5.2, tell the subscriber why.
        const reason = capProblem(written, request).detail;
        deps.logger.info({ ...log, reason }, "websub: subscription denied after verification");
        await notifyDenied(request, reason, send, (error: unknown) =>
          deps.logger.warn({ ...log, err: describeError(error) }, "websub: could not send the denial notice"),
        );
        return;
      }
    }
    deps.logger.info(log, "websub: intent verified");
  }

  function capProblem(verdict: Extract<SubscriptionWrite, "host-full" | "hub-full">, request: HubRequest): HttpProblem {
    const { perHost, total } = options.subscriptionCaps;
    const detail =
      verdict === "host-full"
        ? `Callbacks on ${callbackHost(request.callback.href)} already hold ${perHost} subscriptions, the most this hub accepts from one host; unsubscribe one first.`
        : `This hub already holds ${total} subscriptions, the most it accepts; try again once some have expired.`;
    // WebSub §5.1.2: the hub may refuse a subscription request with a 4xx and a reason.
    return new HttpProblem(403, "Subscription limit reached", detail, {
      limit: verdict === "host-full" ? "max_subscriptions_per_host" : "max_subscriptions",
      max: verdict === "host-full" ? perHost : total,
    });
  }

  async function distribute(changedCategories: readonly string[]): Promise<void> {
    const now = deps.clock();
    await deps.store.purgeExpiredSubscriptions(now);
    const topics = await deps.store.listSubscribedTopics(now);
    forgetTopicsOtherThan(topics);
    for (const topic of topics) {
      const variant = variantOfTopic(topic, deps.baseUrl, slugs());
      if (variant === undefined || !dependsOn(variant, changedCategories)) continue;
      await distributeTopic(topic, variant, now);
    }
    await pingExternalHubs(externalTopics(changedCategories), {
      hubs: options.externalHubs,
      userAgent: deps.userAgent,
      timeoutMs: options.requestTimeoutMs,
      logger: deps.logger,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
    });
  }

  /**
   * Queues a topic's feed for its subscribers, unless its bytes are what was last pushed. This
   * render is the topic's one render for the change: the sends read it from the render cache.
   */
  async function distributeTopic(topic: string, variant: FeedVariant, now: number): Promise<void> {
    const feed = await deps.feeds.render(variant);
    // A change in a category need not change every feed of it (a kind filter): only new content
    // is distributed (§7 "when new content is available").
    if (lastDistributed.get(topic) === feed.etags.identity) return;
    lastDistributed.set(topic, feed.etags.identity);
    if ((await deps.store.queueDeliveries(topic, now)) > 0) queue.wake();
  }

  function forgetTopicsOtherThan(topics: readonly string[]): void {
    const live = new Set(topics);
    for (const topic of lastDistributed.keys()) if (!live.has(topic)) lastDistributed.delete(topic);
  }

  function externalTopics(changedCategories: readonly string[]): string[] {
    if (options.externalHubs.length === 0) return [];
    const known = deps.categorySlugs();
    const slugs = [ALL_SLUG, ...changedCategories.filter((slug) => known.includes(slug))];
    const formats = Object.keys(FORMAT_EXTENSIONS) as FeedFormat[];
    return slugs.flatMap((slug) =>
      formats.map((format) => `${deps.baseUrl}/feeds/${slug}.${FORMAT_EXTENSIONS[format]}`),
    );
  }

  const router = Router();
  router.post(
    "/websub",
    express.text({ type: "application/x-www-form-urlencoded", limit: "16kb" }),
    async (req, res) => {
      try {
        await handleRequest(req, res);
      } catch (error) {
        if (!(error instanceof HttpProblem)) throw error;
        sendProblem(res, error, req.originalUrl);
      }
    },
  );
  router.all("/websub", (req, res) => {
    res.set("Allow", "POST");
    sendProblem(
      res,
      new HttpProblem(405, "Method not allowed", "The hub takes subscription requests by POST (WebSub §5.1)."),
      req.originalUrl,
    );
  });

  return {
    url,
    hubs: [url, ...options.externalHubs],
    router,
    onChange: (changedCategories) => track(() => distribute(changedCategories), "distribution"),
    startDelivering: () => {
      if (!stopped) queue.start();
    },
    stopDelivering: () => queue.pause(),
    async idle() {
      while (tasks.size > 0) await Promise.all(tasks);
      await queue.idle();
      while (tasks.size > 0) await Promise.all(tasks);
    },
    stop() {
      stopped = true;
      queue.pause();
    },
  };
}

/** The categories a variant's content depends on (feed-service's cache tags, by the same rule). */
function dependsOn(variant: FeedVariant, changedCategories: readonly string[]): boolean {
  if (variant.slug === ALL_SLUG && variant.query.categories.length === 0) return true;
  const chosen = variant.slug === ALL_SLUG ? variant.query.categories : [variant.slug];
  return chosen.some((slug) => changedCategories.includes(slug));
}
