import { parseFeedRequest } from "../http/feed-request.js";
import { HttpProblem } from "../http/problem.js";
import { isSubscriptionDocument, subscriptionDocument, variantUrl, type FeedVariant } from "../publish/feed-variant.js";

export type HubMode = "subscribe" | "unsubscribe";

/** A validated subscription request (W3C WebSub §5.1). */
export interface HubRequest {
  readonly mode: HubMode;
  /** `hub.topic` exactly as sent: verification echoes it back (§5.3). */
  readonly requestedTopic: string;
  /**
   * The topic's canonical URL (the feed's own rel="self"): subscriptions are stored under it. A
   * subscribe names it exactly; an unsubscribe may spell it otherwise (subscriptions made before
   * topics were checked must be able to leave).
   */
  readonly topic: string;
  readonly variant: FeedVariant;
  readonly callback: URL;
  /** The lease granted: the requested one bounded to the hub's limits, else the default. */
  readonly leaseSeconds: number;
  readonly secret: string | null;
}

export interface LeaseLimits {
  readonly defaultSeconds: number;
  readonly minSeconds: number;
  readonly maxSeconds: number;
}

export interface HubRequestContext {
  readonly baseUrl: string;
  readonly categorySlugs: readonly string[];
  readonly lease: LeaseLimits;
}

/** WebSub §5.1: "hub.secret … MUST be less than 200 bytes in length." */
const MAX_SECRET_BYTES = 199;
/** Longer than any feed URL this service mints; bounds what we store for strangers. */
const MAX_URL_LENGTH = 2048;

/**
 * Turns the form fields of a POST to the hub into a validated request. Every problem is a 400
 * naming the parameter, so a subscriber can fix its request; the callback's reachability is
 * checked separately (callback-guard.ts) because it needs DNS.
 */
export function parseHubRequest(form: URLSearchParams, context: HubRequestContext): HubRequest {
  const mode = parseMode(single(form, "hub.mode"));
  const requestedTopic = required(form, "hub.topic");
  const variant = parseTopic(requestedTopic, context);
  const topic = variantUrl(context.baseUrl, variant);
  if (mode === "subscribe") checkSubscribable(requestedTopic, topic, variant, context.baseUrl);
  return {
    mode,
    requestedTopic,
    topic,
    variant,
    callback: parseCallback(required(form, "hub.callback")),
    leaseSeconds: parseLease(single(form, "hub.lease_seconds"), context.lease),
    secret: parseSecret(single(form, "hub.secret")),
  };
}

/** The variant a topic URL names, or undefined when it is not one of our feeds (any more). */
export function variantOfTopic(
  topic: string,
  baseUrl: string,
  categorySlugs: readonly string[],
): FeedVariant | undefined {
  try {
    return parseTopic(topic, { baseUrl, categorySlugs });
  } catch (error) {
    if (error instanceof HttpProblem) return undefined;
    throw error;
  }
}

function parseMode(raw: string | undefined): HubMode {
  if (raw === "subscribe" || raw === "unsubscribe") return raw;
  const detail =
    raw === "publish"
      ? "This hub distributes only this service's own feeds and learns of changes itself; hub.mode=publish is not accepted."
      : `"hub.mode" must be "subscribe" or "unsubscribe"${raw === undefined ? "" : `; got ${JSON.stringify(raw)}`}.`;
  throw badParameter("hub.mode", detail);
}

/**
 * A topic is one of the feed URLs this service publishes, in any format and with any query a
 * feed URL accepts (WebSub §4: the topic is the feed's rel="self" URL).
 */
function parseTopic(raw: string, context: Pick<HubRequestContext, "baseUrl" | "categorySlugs">): FeedVariant {
  const prefix = `${context.baseUrl}/feeds/`;
  if (raw.length > MAX_URL_LENGTH || !raw.startsWith(prefix) || raw.includes("#") || !URL.canParse(raw)) {
    throw badParameter("hub.topic", `"hub.topic" must be one of this service's feed URLs, like ${prefix}all.atom.`);
  }
  const url = new URL(raw);
  const pathname = `/feeds/${url.pathname.slice(new URL(prefix).pathname.length)}`;
  try {
    return parseFeedRequest(pathname, url.searchParams, context.categorySlugs);
  } catch (error) {
    if (!(error instanceof HttpProblem)) throw error;
    throw badParameter("hub.topic", `"hub.topic" is not a feed this service publishes: ${error.detail}`, {
      ...error.extra,
      parameter: "hub.topic",
    });
  }
}

/**
 * WebSub §4: the topic is the URL a feed advertises as rel="self" beside its rel="hub", and only
 * subscription documents advertise the hub (src/publish/feed-variant.ts). Another page or size
 * of a feed, or another spelling of its URL, is refused naming the URL to use: each would be a
 * topic of its own, rendered and pushed on every change (issue 9).
 */
function checkSubscribable(requested: string, topic: string, variant: FeedVariant, baseUrl: string): void {
  const head = variantUrl(baseUrl, subscriptionDocument(variant));
  if (!isSubscriptionDocument(variant)) {
    throw badParameter(
      "hub.topic",
      `"hub.topic" names a page or size of a feed; subscribe to the feed itself, ${head}, the rel="self" URL it advertises with this hub.`,
      { topic: head },
    );
  }
  if (requested !== topic) {
    throw badParameter(
      "hub.topic",
      `"hub.topic" must be the feed's rel="self" URL exactly as the feed gives it: ${topic}.`,
      { topic },
    );
  }
}

function parseCallback(raw: string): URL {
  const url = raw.length <= MAX_URL_LENGTH && URL.canParse(raw) ? new URL(raw) : undefined;
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw badParameter("hub.callback", `"hub.callback" must be an absolute http: or https: URL.`);
  }
  // A fragment is never sent, so two spellings would name one endpoint.
  url.hash = "";
  return url;
}

function parseLease(raw: string | undefined, lease: LeaseLimits): number {
  if (raw === undefined || raw === "") return lease.defaultSeconds;
  if (!/^\d{1,10}$/.test(raw)) {
    throw badParameter(
      "hub.lease_seconds",
      `"hub.lease_seconds" must be a whole number of seconds; got ${JSON.stringify(raw)}.`,
    );
  }
  // §5.1: the hub MAY choose a lease other than the one requested; it says which in the verification.
  return Math.min(lease.maxSeconds, Math.max(lease.minSeconds, Number(raw)));
}

function parseSecret(raw: string | undefined): string | null {
  if (raw === undefined || raw === "") return null;
  if (Buffer.byteLength(raw, "utf8") > MAX_SECRET_BYTES) {
    throw badParameter("hub.secret", `"hub.secret" must be less than 200 bytes (WebSub §5.1).`);
  }
  return raw;
}

function required(form: URLSearchParams, name: string): string {
  const value = single(form, name);
  if (value === undefined || value === "") throw badParameter(name, `"${name}" is required.`);
  return value;
}

function single(form: URLSearchParams, name: string): string | undefined {
  const values = form.getAll(name);
  if (values.length > 1) throw badParameter(name, `"${name}" may be given once.`);
  return values[0];
}

function badParameter(name: string, detail: string, extra: Record<string, unknown> = {}): HttpProblem {
  return new HttpProblem(400, "Bad hub request", detail, { parameter: name, ...extra });
}
