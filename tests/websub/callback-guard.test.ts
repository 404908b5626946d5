import { afterEach, describe, expect, it } from "vitest";
import { createCallbackGuard, isPublicAddress, type ResolvedAddress } from "../../src/websub/callback-guard.js";
import { startHub, startSubscriber, type HubHarness, type Subscriber } from "./hub-fixture.js";

const TOPIC = "https://news.example.org/feeds/world.rss";

/** Stand-in DNS: names map to addresses; anything else does not resolve. */
function fakeDns(records: Record<string, readonly string[]>) {
  return async (hostname: string): Promise<readonly ResolvedAddress[]> => {
    const addresses = records[hostname];
    if (addresses === undefined) throw new Error(`ENOTFOUND ${hostname}`);
    return addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
}

describe("isPublicAddress", () => {
  it.each([
    "127.0.0.1",
    "127.9.9.9",
    "10.1.2.3",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "224.0.0.1",
    "255.255.255.255",
    "198.18.0.1",
    "::",
    "::1",
    "fc00::1",
    "fd12:3456::1",
    "fe80::1",
    "fe80::1%eth0",
    "ff02::1",
    "2001:db8::1",
    "::ffff:127.0.0.1",
    "::ffff:7f00:1",
    "::ffff:10.0.0.1",
    "::127.0.0.1",
    "64:ff9b::a9fe:a9fe",
    "2002:7f00:1::1",
  ])("refuses %s", (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(["93.184.216.34", "8.8.8.8", "172.32.0.1", "2606:4700::1111", "::ffff:93.184.216.34", "2002:5db8:d822::1"])(
    "allows %s",
    (address) => {
      expect(isPublicAddress(address)).toBe(true);
    },
  );

  it("refuses what is not an IP address at all", () => {
    expect(isPublicAddress("localhost")).toBe(false);
  });
});

describe("callback guard", () => {
  const guard = createCallbackGuard({
    allowPrivateCallbacks: false,
    resolve: fakeDns({ "reader.example.net": ["93.184.216.34"], "mixed.example.net": ["93.184.216.34", "10.0.0.7"] }),
  });

  it("returns the checked address of a public host", async () => {
    await expect(guard.check(new URL("https://reader.example.net/push"))).resolves.toEqual({
      address: "93.184.216.34",
      family: 4,
    });
  });

  it("refuses a host when any of its addresses is private", async () => {
    await expect(guard.check(new URL("https://mixed.example.net/push"))).rejects.toThrow(
      /non-public address 10\.0\.0\.7/,
    );
  });

  it("refuses a host that does not resolve, and non-http schemes", async () => {
    await expect(guard.check(new URL("https://nowhere.example.net/"))).rejects.toThrow(/does not resolve/);
    await expect(guard.check(new URL("gopher://reader.example.net/"))).rejects.toThrow(/scheme gopher:/);
  });

  it("lets everything through when private callbacks are allowed", async () => {
    const open = createCallbackGuard({ allowPrivateCallbacks: true });
    await expect(open.check(new URL("http://[::1]:8080/"))).resolves.toEqual({ address: "::1", family: 6 });
  });

  it("rejects a malformed allow-list entry", () => {
    expect(() => createCallbackGuard({ allowPrivateCallbacks: false, allowedNetworks: ["10.0.0.0/40"] })).toThrow(
      /CIDR/,
    );
  });
});

describe("WebSub hub refuses callbacks into private networks", () => {
  let harness: HubHarness | undefined;
  let subscriber: Subscriber | undefined;

  afterEach(async () => {
    await harness?.close();
    await subscriber?.close();
  });

  it.each([
    "http://127.0.0.1:8080/push",
    "http://10.0.0.8/push",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/push",
    "http://[fc00::1]/push",
    "http://[::ffff:127.0.0.1]/push",
    "http://0.0.0.0/push",
    "http://2130706433/push", // 127.0.0.1 as one decimal number
    "http://intranet.example.net/push",
    "http://localhost/push",
  ])("answers 400 for %s and never calls it", async (callback) => {
    harness = await startHub({
      options: { allowedCallbackNetworks: [] },
      resolve: fakeDns({ "intranet.example.net": ["10.20.30.40"], localhost: ["127.0.0.1", "::1"] }),
    });
    const { status, problem } = await harness.post({
      "hub.mode": "subscribe",
      "hub.topic": TOPIC,
      "hub.callback": callback,
    });
    expect(status).toBe(400);
    expect(problem).toMatchObject({ parameter: "hub.callback" });
    expect(problem?.detail).toMatch(/non-public address/);
  });

  it("resolves a host name with the real resolver: localhost is loopback", async () => {
    harness = await startHub({ options: { allowedCallbackNetworks: [] } });
    const { status, problem } = await harness.post({
      "hub.mode": "subscribe",
      "hub.topic": TOPIC,
      "hub.callback": "http://localhost:9/",
    });
    expect(status).toBe(400);
    expect(problem).toMatchObject({ parameter: "hub.callback" });
  });

  it("accepts loopback when the allow-list names it", async () => {
    subscriber = await startSubscriber();
    harness = await startHub({ options: { allowedCallbackNetworks: ["127.0.0.0/8"] } });
    const { status } = await harness.post({
      "hub.mode": "subscribe",
      "hub.topic": TOPIC,
      "hub.callback": `${subscriber.origin}/push`,
    });
    expect(status).toBe(202);
    await harness.hub.idle();
    expect(await harness.store.listSubscriptions(TOPIC, harness.clock.now)).toHaveLength(1);
  });

  it("re-resolves at delivery time and connects only to the checked address (DNS rebinding)", async () => {
    subscriber = await startSubscriber();
    const answers = { "reader.test": ["127.0.0.1"] as readonly string[] };
    const resolve = async (hostname: string): Promise<readonly ResolvedAddress[]> => fakeDns(answers)(hostname);
    harness = await startHub({ options: { allowedCallbackNetworks: ["127.0.0.1/32"] }, resolve });
    const callback = `http://reader.test:${subscriber.port}/push`;

    expect((await harness.post({ "hub.mode": "subscribe", "hub.topic": TOPIC, "hub.callback": callback })).status).toBe(
      202,
    );
    await harness.hub.idle();
    // The name exists only in the fake DNS: reaching the subscriber proves the connection was pinned.
    expect(subscriber.verifications()).toHaveLength(1);
    expect(await harness.store.listSubscriptions(TOPIC, harness.clock.now)).toHaveLength(1);

    await harness.publish("urn:story-1", ["world"]);
    expect(subscriber.deliveries()).toHaveLength(1);

    answers["reader.test"] = ["10.0.0.9"];
    await harness.publish("urn:story-2", ["world"]);
    expect(subscriber.deliveries()).toHaveLength(1);
    expect(harness.delays).toHaveLength(4); // every attempt refused, retries bounded
  });
});
