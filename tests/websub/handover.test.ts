import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { DeliveryOutcome } from "../../src/websub/deliver.js";
import { postgresTestUrl, testSchemas, urlWithSchema } from "../store/postgres-test-db.js";
import { makeItem } from "../store/store-contract.js";
import { BASE_URL, echoChallenge, startHub, startSubscriber, type HubHarness, type Subscriber } from "./hub-fixture.js";

const WORLD_RSS = `${BASE_URL}/feeds/world.rss`;
const dir = mkdtempSync(join(tmpdir(), "websub-handover-"));
const pgUrl = postgresTestUrl();
const schemas = pgUrl === undefined ? undefined : testSchemas(pgUrl);

/** One store two replicas share: a SQLite file (two handles), and PostgreSQL when the run has one. */
const stores: Array<[string, () => Promise<string>]> = [
  ["SQLite", async () => `sqlite:${join(dir, `${Math.random().toString(36).slice(2)}.db`)}`],
  ...(pgUrl === undefined || schemas === undefined
    ? []
    : [["PostgreSQL", async () => urlWithSchema(pgUrl, await schemas.create())] as [string, () => Promise<string>]]),
];

afterAll(async () => {
  await schemas?.dropAll();
  rmSync(dir, { recursive: true, force: true });
});

describe.each(stores)("WebSub deliveries across a leader handover (%s)", (_name, makeStoreUrl) => {
  const opened: Array<HubHarness | Subscriber> = [];

  afterEach(async () => {
    for (const thing of opened.reverse()) await thing.close();
    opened.length = 0;
  });

  it("a new leader finishes a retry the old one scheduled (issue 9: retries lived in the leader's memory)", async () => {
    const storeUrl = await makeStoreUrl();
    const subscriber = await startSubscriber();
    opened.push(subscriber);

    // The old leader: its first attempt fails; it then waits out the backoff, and loses leadership meanwhile.
    let waitingToRetry: () => void = () => undefined;
    const retryPlanned = new Promise<void>((resolve) => (waitingToRetry = resolve));
    const oldOutcomes: DeliveryOutcome[] = [];
    const oldLeader = await startHub(
      {
        onDelivery: (outcome) => oldOutcomes.push(outcome),
        sleep: (ms, signal) => {
          oldLeader.delays.push(ms);
          waitingToRetry();
          return new Promise((_resolve, reject) =>
            signal.addEventListener("abort", () => reject(signal.reason as Error)),
          );
        },
      },
      storeUrl,
    );
    opened.push(oldLeader);
    const secret = "rotating secret";
    await oldLeader.post({
      "hub.mode": "subscribe",
      "hub.topic": WORLD_RSS,
      "hub.callback": `${subscriber.origin}/push`,
      "hub.secret": secret,
    });
    await oldLeader.hub.idle();
    expect(await oldLeader.store.listSubscriptions(WORLD_RSS, oldLeader.clock.now)).toHaveLength(1);

    subscriber.respond = (request, res) =>
      request.method === "POST" && subscriber.deliveries().length === 1
        ? res.writeHead(503).end()
        : echoChallenge(request, res);
    oldLeader.clock.now += 60_000;
    const result = await oldLeader.store.commitRun(
      { sourceId: "walaw-world", at: oldLeader.clock.now },
      [makeItem("urn:story-1", { published: oldLeader.clock.now, categories: ["world"] })],
      oldLeader.clock.now,
    );
    oldLeader.hub.onChange(result.changedCategories);
    await retryPlanned;
    expect(oldOutcomes).toEqual(["failed"]);
    expect(oldLeader.delays).toEqual([30_000]);
    oldLeader.hub.stopDelivering();
    await oldLeader.hub.idle();

    // The new leader, another process over the same store, half a minute later.
    const newOutcomes: DeliveryOutcome[] = [];
    const newLeader = await startHub({ onDelivery: (outcome) => newOutcomes.push(outcome) }, storeUrl);
    opened.push(newLeader);
    newLeader.clock.now = oldLeader.clock.now + 30_000;
    newLeader.hub.startDelivering();
    await newLeader.hub.idle();

    expect(newOutcomes).toEqual(["delivered"]);
    const [failed, retried] = subscriber.deliveries();
    expect(subscriber.deliveries()).toHaveLength(2);
    expect(retried?.body.toString("utf8")).toContain("Story urn:story-1");
    expect(retried?.body.equals(failed?.body ?? Buffer.alloc(0))).toBe(true);
    const expected = createHmac("sha256", secret)
      .update(retried?.body ?? Buffer.alloc(0))
      .digest("hex");
    expect(retried?.headers["x-hub-signature"]).toBe(`sha256=${expected}`);
    expect(await newLeader.store.nextDeliveryAt()).toBeUndefined();
    expect(oldOutcomes).toEqual(["failed"]);
  });
});
