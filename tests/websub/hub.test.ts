import { createHmac } from "node:crypto";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { variantUrl } from "../../src/publish/feed-variant.js";
import {
  BASE_URL,
  START,
  echoChallenge,
  startHub,
  startSubscriber,
  type HubHarness,
  type Subscriber,
} from "./hub-fixture.js";

const WORLD_RSS = `${BASE_URL}/feeds/world.rss`;
const HUB_URL = `${BASE_URL}/websub`;

describe("WebSub hub", () => {
  let harness: HubHarness;
  let subscriber: Subscriber;

  beforeEach(async () => {
    harness = await startHub();
    subscriber = await startSubscriber();
  });

  afterEach(async () => {
    await harness.close();
    await subscriber.close();
  });

  async function subscribe(fields: Record<string, string> = {}): Promise<number> {
    const { status } = await harness.post({
      "hub.mode": "subscribe",
      "hub.topic": WORLD_RSS,
      "hub.callback": `${subscriber.origin}/push?user=7`,
      ...fields,
    });
    await harness.hub.idle();
    return status;
  }

  it("subscribes, verifies, pushes a signed copy of the rendered feed, then unsubscribes", async () => {
    const secret = "a shared secret, well under 200 bytes";
    expect(await subscribe({ "hub.secret": secret })).toBe(202);

    const [verification] = subscriber.verifications();
    expect(verification?.url.pathname).toBe("/push");
    // §5.3: the callback's own query is preserved; the hub's parameters are appended.
    expect(verification?.url.searchParams.get("user")).toBe("7");
    expect(verification?.url.searchParams.get("hub.mode")).toBe("subscribe");
    expect(verification?.url.searchParams.get("hub.topic")).toBe(WORLD_RSS);
    expect(verification?.url.searchParams.get("hub.lease_seconds")).toBe(String(10 * 86_400));
    expect(verification?.url.searchParams.get("hub.challenge")).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(await harness.store.listSubscriptions(WORLD_RSS, harness.clock.now)).toEqual([
      {
        topic: WORLD_RSS,
        callback: `${subscriber.origin}/push?user=7`,
        secret,
        leaseSeconds: 864_000,
        verifiedAt: START,
        expiresAt: START + 864_000_000,
      },
    ]);

    await harness.publish("urn:story-1", ["world"]);

    const [push] = subscriber.deliveries();
    expect(push).toBeDefined();
    const rendered = await harness.feeds.render({
      slug: "world",
      format: "rss",
      query: { categories: ["world"], limit: 50, page: 1 },
    });
    expect(push?.body.equals(rendered.identity)).toBe(true);
    expect(push?.body.toString("utf8")).toContain("Story urn:story-1");
    expect(push?.headers["content-type"]).toBe(rendered.contentType);
    expect(push?.headers.link).toBe(`<${WORLD_RSS}>; rel="self", <${HUB_URL}>; rel="hub"`);
    const expected = createHmac("sha256", secret)
      .update(push?.body ?? Buffer.alloc(0))
      .digest("hex");
    expect(push?.headers["x-hub-signature"]).toBe(`sha256=${expected}`);
    // The feed itself advertises the hub and its own URL (discovery, §4).
    expect(push?.body.toString("utf8")).toContain(HUB_URL);

    expect(await subscribe({ "hub.mode": "unsubscribe" })).toBe(202);
    const unsubscribeCheck = subscriber.verifications()[1];
    expect(unsubscribeCheck?.url.searchParams.get("hub.mode")).toBe("unsubscribe");
    expect(unsubscribeCheck?.url.searchParams.has("hub.lease_seconds")).toBe(false);
    expect(await harness.store.listSubscriptions(WORLD_RSS, harness.clock.now)).toEqual([]);

    await harness.publish("urn:story-2", ["world"]);
    expect(subscriber.deliveries()).toHaveLength(1);
  });

  it("refuses a topic spelled otherwise than the feed's rel=self with 400 naming it (issue 9: any spelling subscribed)", async () => {
    const spelled = `${BASE_URL}/feeds/all.json?limit=50&kind=ticker&utm=x`;
    const canonical = variantUrl(BASE_URL, {
      slug: "all",
      format: "json",
      query: { categories: [], kind: "ticker", limit: 50, page: 1 },
    });
    const { status, problem } = await harness.post({
      "hub.mode": "subscribe",
      "hub.topic": spelled,
      "hub.callback": `${subscriber.origin}/push`,
    });
    expect(status).toBe(400);
    expect(problem).toMatchObject({ parameter: "hub.topic", topic: canonical });
    expect(problem?.detail).toContain(canonical);
    await harness.hub.idle();
    expect(subscriber.received).toEqual([]);
    // The canonical spelling is accepted and verified as sent.
    expect(await subscribe({ "hub.topic": canonical })).toBe(202);
    expect(subscriber.verifications()[0]?.url.searchParams.get("hub.topic")).toBe(canonical);
    expect(await harness.store.listSubscribedTopics(harness.clock.now)).toEqual([canonical]);
  });

  it.each([
    ["a size", "?limit=7"],
    ["a numbered page", "?page=2"],
    ["a cursor page", "?before=1764500000000_aHR0cHM6Ly9leGFtcGxlLm9yZy8"],
  ])(
    "refuses %s of a feed as a topic with 400 naming the feed (issue 9: a topic per limit multiplied renders)",
    async (_name, query) => {
      const { status, problem } = await harness.post({
        "hub.mode": "subscribe",
        "hub.topic": `${WORLD_RSS}${query}`,
        "hub.callback": `${subscriber.origin}/push`,
      });
      expect(status).toBe(400);
      expect(problem).toMatchObject({ parameter: "hub.topic", topic: WORLD_RSS });
      expect(problem?.detail).toContain(`subscribe to the feed itself, ${WORLD_RSS},`);
    },
  );

  it("advertises the hub only on subscription documents, the topics it accepts", async () => {
    const world = { slug: "world", format: "rss" as const, query: { categories: ["world"], limit: 50, page: 1 } };
    expect((await harness.feeds.render(world)).hubs).toEqual([HUB_URL]);
    expect((await harness.feeds.render({ ...world, query: { ...world.query, limit: 7 } })).hubs).toEqual([]);
    expect((await harness.feeds.render({ ...world, query: { ...world.query, page: 2 } })).hubs).toEqual([]);
  });

  it("lets a subscription stored under a page or size before topics were checked unsubscribe", async () => {
    const legacy = `${WORLD_RSS}?limit=7`;
    const callback = `${subscriber.origin}/push`;
    await harness.store.upsertSubscription({
      topic: legacy,
      callback,
      secret: null,
      leaseSeconds: 3_600,
      verifiedAt: START,
      expiresAt: START + 3_600_000,
    });
    expect(await subscribe({ "hub.mode": "unsubscribe", "hub.topic": legacy, "hub.callback": callback })).toBe(202);
    expect(await harness.store.listSubscribedTopics(harness.clock.now)).toEqual([]);
  });

  it("renders each topic once per change however many subscribe to it (issue 9: 500 subscriptions, 505 renders)", async () => {
    const all = `${BASE_URL}/feeds/all.atom`;
    for (let i = 0; i < 6; i++) {
      await subscribe({ "hub.callback": `${subscriber.origin}/world/${i}` });
      await subscribe({ "hub.topic": all, "hub.callback": `${subscriber.origin}/all/${i}` });
    }
    const before = harness.renders();
    await harness.publish("urn:story-1", ["world"]);
    expect(subscriber.deliveries()).toHaveLength(12);
    expect(harness.renders() - before).toBe(2);
    expect(await harness.store.nextDeliveryAt()).toBeUndefined();
  });

  it("keeps a token in a callback URL out of the log (regression: logged whole)", async () => {
    await harness.close();
    const lines: string[] = [];
    const logger = pino({ level: "debug" }, { write: (line: string) => void lines.push(line) });
    harness = await startHub({ logger });
    const status = await subscribe({ "hub.callback": `${subscriber.origin}/push?token=s3cret-callback-token` });
    expect(status).toBe(202);
    expect(lines.join("")).toContain("/push?token=***");
    expect(lines.join("")).not.toContain("s3cret-callback-token");
  });

  it("sends unsigned deliveries when no secret was given", async () => {
    await subscribe();
    await harness.publish("urn:story-1", ["world"]);
    expect(subscriber.deliveries()).toHaveLength(1);
    expect(subscriber.deliveries()[0]?.headers["x-hub-signature"]).toBeUndefined();
  });

  it("pushes only topics that depend on a changed category, and only when their bytes changed", async () => {
    const tech = `${BASE_URL}/feeds/technology.atom`;
    const all = `${BASE_URL}/feeds/all.rss`;
    await subscribe({ "hub.topic": tech, "hub.callback": `${subscriber.origin}/tech` });
    await subscribe({ "hub.topic": all, "hub.callback": `${subscriber.origin}/all` });

    await harness.publish("urn:world-1", ["world"]);
    expect(subscriber.deliveries().map((push) => push.url.pathname)).toEqual(["/all"]);

    await harness.publish("urn:tech-1", ["technology"]);
    expect(
      subscriber
        .deliveries()
        .map((push) => push.url.pathname)
        .sort(),
    ).toEqual(["/all", "/all", "/tech"]);

    // A change event whose feed renders to the same bytes is not new content.
    harness.hub.onChange(["technology"]);
    await harness.hub.idle();
    expect(subscriber.deliveries()).toHaveLength(3);
  });

  it("creates no subscription when the callback echoes the wrong challenge", async () => {
    subscriber.respond = (request, res) =>
      res.writeHead(200).end(`not-${request.url.searchParams.get("hub.challenge") ?? ""}`);
    expect(await subscribe()).toBe(202);
    expect(subscriber.verifications()).toHaveLength(1);
    expect(await harness.store.listSubscriptions(WORLD_RSS, harness.clock.now)).toEqual([]);
  });

  it("creates no subscription when the callback answers 404 (even with the challenge)", async () => {
    subscriber.respond = (request, res) => res.writeHead(404).end(request.url.searchParams.get("hub.challenge") ?? "");
    expect(await subscribe()).toBe(202);
    expect(await harness.store.listSubscriptions(WORLD_RSS, harness.clock.now)).toEqual([]);
  });

  it("does not follow a redirect from the callback", async () => {
    subscriber.respond = (request, res) => {
      if (request.url.pathname === "/push") res.writeHead(302, { Location: `${subscriber.origin}/elsewhere` }).end();
      else echoChallenge(request, res);
    };
    await subscribe();
    expect(subscriber.received.map((request) => request.url.pathname)).toEqual(["/push"]);
    expect(await harness.store.listSubscriptions(WORLD_RSS, harness.clock.now)).toEqual([]);
  });

  it("keeps the subscription when an unsubscribe is not confirmed", async () => {
    await subscribe();
    subscriber.respond = (_request, res) => res.writeHead(404).end();
    expect(await subscribe({ "hub.mode": "unsubscribe" })).toBe(202);
    expect(await harness.store.listSubscriptions(WORLD_RSS, harness.clock.now)).toHaveLength(1);
  });

  it("bounds the requested lease and stops delivering (and purges) once it expires", async () => {
    await subscribe({ "hub.lease_seconds": "60" });
    expect(subscriber.verifications()[0]?.url.searchParams.get("hub.lease_seconds")).toBe("3600");
    await subscribe({ "hub.lease_seconds": "99999999", "hub.callback": `${subscriber.origin}/long` });
    expect(subscriber.verifications()[1]?.url.searchParams.get("hub.lease_seconds")).toBe(String(30 * 86_400));

    harness.clock.now = START + 3_600_000; // `publish` adds a minute: past the hour lease
    await harness.publish("urn:story-1", ["world"]);
    expect(subscriber.deliveries().map((push) => push.url.pathname)).toEqual(["/long"]);
    // Purged, not merely skipped: nothing is left even when asked as of the start.
    expect((await harness.store.listSubscriptions(WORLD_RSS, START)).map((s) => s.callback)).toEqual([
      `${subscriber.origin}/long`,
    ]);
  });

  it("retries a failed delivery with exponential backoff until it succeeds", async () => {
    await subscribe();
    let failures = 2;
    subscriber.respond = (request, res) => {
      if (request.method === "POST" && failures-- > 0) res.writeHead(503).end();
      else echoChallenge(request, res);
    };
    await harness.publish("urn:story-1", ["world"]);
    expect(subscriber.deliveries()).toHaveLength(3);
    expect(harness.delays).toEqual([30_000, 60_000]);
    const [first, , last] = subscriber.deliveries();
    expect(last?.body.equals(first?.body ?? Buffer.alloc(0))).toBe(true);
  });

  it("does not retry to a subscriber that unsubscribed while its delivery was failing", async () => {
    await subscribe();
    subscriber.respond = (request, res) => {
      if (request.method !== "POST") return echoChallenge(request, res);
      void harness.store
        .removeSubscription(WORLD_RSS, `${subscriber.origin}/push?user=7`)
        .then(() => res.writeHead(503).end());
    };
    await harness.publish("urn:story-1", ["world"]);
    expect(subscriber.deliveries()).toHaveLength(1);
    expect(harness.delays).toEqual([30_000]);
  });

  it("gives up after the bounded number of attempts", async () => {
    await subscribe();
    subscriber.respond = (request, res) =>
      request.method === "POST" ? res.writeHead(500).end() : echoChallenge(request, res);
    await harness.publish("urn:story-1", ["world"]);
    expect(subscriber.deliveries()).toHaveLength(5);
    expect(harness.delays).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(await harness.store.listSubscriptions(WORLD_RSS, harness.clock.now)).toHaveLength(1);
  });

  it("removes the subscription when the subscriber answers 410 Gone", async () => {
    await subscribe();
    subscriber.respond = (request, res) =>
      request.method === "POST" ? res.writeHead(410).end() : echoChallenge(request, res);
    await harness.publish("urn:story-1", ["world"]);
    expect(subscriber.deliveries()).toHaveLength(1);
    expect(harness.delays).toEqual([]);
    expect(await harness.store.listSubscriptions(WORLD_RSS, harness.clock.now)).toEqual([]);
  });
});

describe("WebSub hub request validation", () => {
  let harness: HubHarness;

  beforeEach(async () => {
    harness = await startHub();
  });

  afterEach(async () => {
    await harness.close();
  });

  const valid = { "hub.mode": "subscribe", "hub.topic": WORLD_RSS, "hub.callback": "http://127.0.0.1:9/push" };

  it.each([
    ["a missing mode", { ...valid, "hub.mode": "" }, "hub.mode"],
    ["an unknown mode", { ...valid, "hub.mode": "subscribed" }, "hub.mode"],
    ["a publish ping from outside", { ...valid, "hub.mode": "publish" }, "hub.mode"],
    ["a missing topic", { ...valid, "hub.topic": "" }, "hub.topic"],
    ["another site's feed", { ...valid, "hub.topic": "https://other.example.org/feeds/world.rss" }, "hub.topic"],
    [
      "our origin over another scheme",
      { ...valid, "hub.topic": "http://news.example.org/feeds/world.rss" },
      "hub.topic",
    ],
    ["a feed we do not serve", { ...valid, "hub.topic": `${BASE_URL}/feeds/sports.rss` }, "hub.topic"],
    ["a bad feed query", { ...valid, "hub.topic": `${BASE_URL}/feeds/world.rss?kind=video` }, "hub.topic"],
    ["a page that is not a feed", { ...valid, "hub.topic": `${BASE_URL}/status` }, "hub.topic"],
    ["a missing callback", { ...valid, "hub.callback": "" }, "hub.callback"],
    ["a relative callback", { ...valid, "hub.callback": "/push" }, "hub.callback"],
    ["a non-http callback", { ...valid, "hub.callback": "ftp://127.0.0.1/push" }, "hub.callback"],
    ["a file callback", { ...valid, "hub.callback": "file:///etc/passwd" }, "hub.callback"],
    ["a non-numeric lease", { ...valid, "hub.lease_seconds": "ten days" }, "hub.lease_seconds"],
    ["a 200-byte secret", { ...valid, "hub.secret": "é".repeat(100) }, "hub.secret"],
  ])("answers 400 naming the parameter for %s", async (_name, fields, parameter) => {
    const { status, problem } = await harness.post(fields);
    expect(status).toBe(400);
    expect(problem).toMatchObject({ status: 400, parameter });
    expect(problem?.detail).toEqual(expect.stringContaining(parameter));
  });

  it("answers 400 when a parameter is repeated", async () => {
    const form = new URLSearchParams(valid);
    form.append("hub.callback", "http://127.0.0.1:9/other");
    const { status, problem } = await harness.post(form);
    expect(status).toBe(400);
    expect(problem).toMatchObject({ parameter: "hub.callback" });
  });

  it("accepts a 199-byte secret", async () => {
    const { status } = await harness.post({ ...valid, "hub.secret": "s".repeat(199) });
    expect(status).toBe(202);
    await harness.hub.idle();
  });

  it("answers 415 to a body that is not form-encoded", async () => {
    const { status, problem } = await harness.post(valid, "application/json");
    expect(status).toBe(415);
    expect(problem).toMatchObject({ status: 415 });
  });

  it("answers 405 to GET", async () => {
    const response = await fetch(`${harness.hubOrigin}/websub`);
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
  });
});
