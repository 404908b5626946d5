/**
 * The HTTP side of the service on 127.0.0.1:0 with minimal real deps: an in-memory SQLite
 * store, one category, the real feed service, feed responder, Express app and node:http server.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Router } from "express";
import pino, { type Logger } from "pino";
import { createApp } from "../../src/http/app.js";
import { createFeedResponder } from "../../src/http/feed-responder.js";
import { createHttpServer, type HttpObserver, type HttpTimeouts } from "../../src/http/server.js";
import type { StatusReport } from "../../src/http/status.js";
import type { Category } from "../../src/model/index.js";
import { createFeedService, type FeedCatalog, type FeedService } from "../../src/publish/feed-service.js";
import { openStore } from "../../src/store/open-store.js";
import type { Store } from "../../src/store/store.js";

export const BASE_URL = "https://news.example.org";
export const NOW = Date.UTC(2026, 10, 25, 10, 0, 0);

const world: Category = { slug: "world", title: "World", description: "World news", match: [], exclude: [] };
const catalog = (): FeedCatalog => ({
  site: { title: "Test feeds", description: "Feeds under test", language: "en" },
  categories: [world],
});

const STATUS: StatusReport = {
  generatedAt: new Date(NOW).toISOString(),
  worker: { leader: false },
  timeZoneData: { version: "test" },
  config: { sources: 0, categories: 1, warnings: [] },
  sources: [],
  categories: [],
};

export interface TestServer {
  readonly origin: string;
  readonly server: Server;
  readonly feeds: FeedService;
  readonly store: Store;
  close(): Promise<void>;
}

export interface TestServerOptions {
  readonly metrics?: Router;
  readonly admin?: Router;
  readonly observe?: HttpObserver;
  readonly logger?: Logger;
  /** What /status and /status.json report (default: an empty report). */
  readonly status?: () => Promise<StatusReport>;
  /** Runs on the fresh store before the server starts (seed items). */
  readonly seed?: (store: Store) => Promise<void>;
  readonly timeouts?: Partial<HttpTimeouts>;
  readonly fastLane?: boolean;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const clock = (): number => NOW;
  const store: Store = await openStore("sqlite::memory:", { clock });
  await options.seed?.(store);
  const feeds = createFeedService({
    baseUrl: BASE_URL,
    catalog,
    loadPage: (query) => store.queryFeed(query),
    hubs: () => [],
    ttlMinutes: () => undefined,
    generator: "test",
    clock,
  });
  const feedResponder = createFeedResponder({ feeds, categorySlugs: () => ["world"], maxAgeSeconds: () => 60 });
  const logger = options.logger ?? pino({ level: "silent" });
  const app = createApp({
    store,
    catalog,
    baseUrl: BASE_URL,
    clock,
    logger,
    status: options.status ?? (async () => STATUS),
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.admin ? { admin: options.admin } : {}),
  });
  const server: Server = createHttpServer(app, feedResponder, logger, clock, {
    ...(options.observe && { observe: options.observe }),
    ...(options.timeouts && { timeouts: options.timeouts }),
    ...(options.fastLane !== undefined && { fastLane: options.fastLane }),
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    server,
    feeds,
    store,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
    },
  };
}
