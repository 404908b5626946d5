import type { ServerResponse } from "node:http";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ResolvedAddress } from "../../src/websub/callback-guard.js";
import {
  BASE_URL,
  echoChallenge,
  startHub,
  startSubscriber,
  type HubHarness,
  type Received,
  type Subscriber,
} from "./hub-fixture.js";

const WORLD_RSS = `${BASE_URL}/feeds/world.rss`;
const ALL_ATOM = `${BASE_URL}/feeds/all.atom`;

/** Every *.test name is the loopback subscriber: distinct callback hosts, one server. */
async function loopback(): Promise<readonly ResolvedAddress[]> {
  return [{ address: "127.0.0.1", family: 4 }];
}

describe("WebSub subscription caps (issue 9: unlimited subscriptions amplified every change)", () => {
  let harness: HubHarness;
  let subscriber: Subscriber;

  beforeEach(async () => {
    harness = await startHub({ resolve: loopback, options: { subscriptionCaps: { perHost: 2, total: 3 } } });
    subscriber = await startSubscriber();
  });

  afterEach(async () => {
    await harness.close();
    await subscriber.close();
  });

  const callback = (host: string, path: string): string => `http://${host}:${subscriber.port}/${path}`;

  async function subscribe(topic: string, callbackUrl: string) {
    const answer = await harness.post({ "hub.mode": "subscribe", "hub.topic": topic, "hub.callback": callbackUrl });
    await harness.hub.idle();
    return answer;
  }

  it("refuses a new subscription beyond the per-host cap with 403 naming it, yet renews one at the cap", async () => {
    expect((await subscribe(WORLD_RSS, callback("a.test", "1"))).status).toBe(202);
    expect((await subscribe(ALL_ATOM, callback("a.test", "2"))).status).toBe(202);

    const refused = await subscribe(WORLD_RSS, callback("a.test", "3"));
    expect(refused.status).toBe(403);
    expect(refused.problem).toMatchObject({ status: 403, limit: "max_subscriptions_per_host", max: 2 });
    expect(refused.problem?.detail).toContain("a.test already hold 2 subscriptions");
    // Refused before verification: the callback never heard of it.
    expect(subscriber.verifications().map((request) => request.url.pathname)).toEqual(["/1", "/2"]);

    expect((await subscribe(WORLD_RSS, callback("a.test", "1"))).status).toBe(202);
    expect(subscriber.verifications()).toHaveLength(3);
    expect(await harness.store.listSubscriptions(WORLD_RSS, harness.clock.now)).toHaveLength(1);
  });

  it("refuses a new subscription beyond the hub's total with 403 naming it", async () => {
    await subscribe(WORLD_RSS, callback("a.test", "1"));
    await subscribe(WORLD_RSS, callback("b.test", "1"));
    await subscribe(WORLD_RSS, callback("c.test", "1"));
    const refused = await subscribe(WORLD_RSS, callback("d.test", "1"));
    expect(refused.status).toBe(403);
    expect(refused.problem).toMatchObject({ limit: "max_subscriptions", max: 3 });
    expect(await harness.store.listSubscriptions(WORLD_RSS, harness.clock.now)).toHaveLength(3);
  });

  it("denies (WebSub §5.2) a request that passed the check but lost the last place while it was verified", async () => {
    await subscribe(WORLD_RSS, callback("a.test", "1"));
    // Hold both verifications until both requests were accepted, so both pass the early check.
    const held: Array<{ request: Received; res: ServerResponse }> = [];
    let bothHeld: () => void = () => undefined;
    const bothArrived = new Promise<void>((resolve) => (bothHeld = resolve));
    subscriber.respond = (request, res) => {
      if (request.url.searchParams.get("hub.mode") !== "subscribe") return echoChallenge(request, res);
      held.push({ request, res });
      if (held.length === 2) bothHeld();
    };
    const first = await harness.post({
      "hub.mode": "subscribe",
      "hub.topic": WORLD_RSS,
      "hub.callback": callback("a.test", "2"),
    });
    const second = await harness.post({
      "hub.mode": "subscribe",
      "hub.topic": ALL_ATOM,
      "hub.callback": callback("a.test", "3"),
    });
    expect([first.status, second.status]).toEqual([202, 202]);
    await bothArrived;
    for (const { request, res } of held) echoChallenge(request, res);
    await harness.hub.idle();

    const denials = subscriber.received.filter((request) => request.url.searchParams.get("hub.mode") === "denied");
    expect(denials).toHaveLength(1);
    expect(denials[0]?.url.searchParams.get("hub.reason")).toContain("a.test already hold 2 subscriptions");
    const stored = [
      ...(await harness.store.listSubscriptions(WORLD_RSS, harness.clock.now)),
      ...(await harness.store.listSubscriptions(ALL_ATOM, harness.clock.now)),
    ];
    expect(stored).toHaveLength(2);
    // The denied one is the one not stored.
    const denied = denials[0]?.url.pathname.slice(1) ?? "";
    expect(["2", "3"]).toContain(denied);
    expect(stored.map((s) => s.callback)).not.toContain(callback("a.test", denied));
  });
});
