import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import pino from "pino";
import type { Category } from "../../src/model/index.js";
import { createFeedService, type FeedService } from "../../src/publish/feed-service.js";
import { openStore } from "../../src/store/open-store.js";
import type { Store } from "../../src/store/store.js";
import { createHub, type Hub, type HubDeps, type HubOptions } from "../../src/websub/hub.js";
import { makeItem } from "../store/store-contract.js";

export const BASE_URL = "https://news.example.org";
export const START = Date.parse("2026-11-25T08:00:00Z");

const categories: Category[] = [
  { slug: "world", title: "World", description: "World news", match: [], exclude: [] },
  { slug: "technology", title: "Technology", description: "Technology news", match: [], exclude: [] },
];

export interface Received {
  readonly method: string;
  readonly url: URL;
  readonly headers: IncomingMessage["headers"];
  readonly body: Buffer;
}

/** How the test subscriber answers; the default echoes challenges and accepts deliveries. */
export type Responder = (request: Received, res: ServerResponse) => void;

export const echoChallenge: Responder = (request, res) => {
  if (request.method === "GET") {
    res.writeHead(200, { "Content-Type": "text/plain" }).end(request.url.searchParams.get("hub.challenge") ?? "");
  } else {
    res.writeHead(204).end();
  }
};

/** A subscriber on 127.0.0.1:0 that records every request it gets. */
export interface Subscriber {
  readonly origin: string;
  readonly port: number;
  readonly received: Received[];
  respond: Responder;
  readonly verifications: () => Received[];
  readonly deliveries: () => Received[];
  close(): Promise<void>;
}

export async function startSubscriber(): Promise<Subscriber> {
  const received: Received[] = [];
  const subscriber = {
    received,
    respond: echoChallenge,
    verifications: () => received.filter((request) => request.method === "GET"),
    deliveries: () => received.filter((request) => request.method === "POST"),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const request = {
        method: req.method ?? "",
        url: new URL(req.url ?? "/", "http://127.0.0.1"),
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      received.push(request);
      subscriber.respond(request, res);
    });
  });
  const port = await listen(server);
  return Object.assign(subscriber, { origin: `http://127.0.0.1:${port}`, port, close: () => close(server) });
}

export interface HubHarness {
  readonly store: Store;
  readonly feeds: FeedService;
  readonly hub: Hub;
  readonly hubOrigin: string;
  readonly delays: number[];
  readonly clock: { now: number };
  /** Renders so far (each is one store query for a feed page). */
  readonly renders: () => number;
  /** Form-POST to the hub; returns status and parsed problem body (if any). */
  post(
    fields: Record<string, string> | URLSearchParams,
    contentType?: string,
  ): Promise<{ status: number; problem: Record<string, unknown> | undefined }>;
  /** Store an item in these categories and tell the hub, as the runtime's onChange does. */
  publish(id: string, categories: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/** Caps roomy enough for every test but the ones about caps (config/build.ts states the real defaults). */
export const TEST_CAPS = { perHost: 100, total: 1_000 };

export type HubOverrides = Omit<Partial<HubDeps>, "options"> & { readonly options?: Partial<HubOptions> };

/** A hub over its own handle on `storeUrl` (two harnesses on one file or database are two replicas). */
export async function startHub(overrides: HubOverrides = {}, storeUrl = "sqlite::memory:"): Promise<HubHarness> {
  const clock = { now: START };
  const delays: number[] = [];
  let renders = 0;
  const store = await openStore(storeUrl, { clock: () => clock.now });
  const hubs: { list: readonly string[] } = { list: [] };
  const feeds = createFeedService({
    baseUrl: BASE_URL,
    catalog: () => ({ site: { title: "Test news", description: "Test", language: "en" }, categories }),
    loadPage: (query) => {
      renders++;
      return store.queryFeed(query);
    },
    hubs: () => hubs.list,
    ttlMinutes: () => undefined,
    generator: "websub-test",
    clock: () => clock.now,
  });
  const hub = createHub({
    baseUrl: BASE_URL,
    store,
    feeds,
    categorySlugs: () => categories.map((category) => category.slug),
    clock: () => clock.now,
    logger: pino({ level: "silent" }),
    userAgent: "news-feed-publisher/test",
    // Waiting for a retry is instant: the delay is recorded and the clock moves past it.
    sleep: async (ms) => {
      delays.push(ms);
      clock.now += ms;
    },
    ...overrides,
    options: { allowedCallbackNetworks: ["127.0.0.1/32"], subscriptionCaps: TEST_CAPS, ...overrides.options },
  });
  hubs.list = hub.hubs;
  // The harness is the leader: it sends what it queues (a test may stopDelivering()).
  hub.startDelivering();
  const app = express();
  app.use(hub.router);
  const server = createServer(app);
  const port = await listen(server);
  const hubOrigin = `http://127.0.0.1:${port}`;

  return {
    store,
    feeds,
    hub,
    hubOrigin,
    delays,
    clock,
    renders: () => renders,
    async post(fields, contentType = "application/x-www-form-urlencoded") {
      const response = await fetch(`${hubOrigin}/websub`, {
        method: "POST",
        headers: { "Content-Type": contentType },
        body: new URLSearchParams(fields).toString(),
      });
      const text = await response.text();
      return {
        status: response.status,
        problem: text === "" ? undefined : (JSON.parse(text) as Record<string, unknown>),
      };
    },
    async publish(id, itemCategories) {
      clock.now += 60_000;
      const result = await store.commitRun(
        { sourceId: "walaw-world", at: clock.now },
        [makeItem(id, { published: clock.now, categories: [...itemCategories] })],
        clock.now,
      );
      feeds.invalidate([...result.changedCategories, "all"]);
      hub.onChange(result.changedCategories);
      await hub.idle();
    },
    async close() {
      hub.stop();
      await close(server);
      await store.close();
    },
  };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
