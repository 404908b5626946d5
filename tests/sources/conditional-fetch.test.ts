/**
 * Every source kind revalidates its configured URL the same way (sources/conditional-fetch.ts):
 * the stored validators go out as If-None-Match and If-Modified-Since (RFC 9110 §13.1), and a 304
 * ends the pass with nothing new and the validators kept. The upstream is a loopback server that
 * records what reached it and answers 304 only to the validators it gave out.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SOURCE_KINDS, type Source, type SourceKind, type SourceState } from "../../src/model/index.js";
import type { CollectContext } from "../../src/sources/collector.js";
import { COLLECTORS } from "../../src/sources/registry.js";
import { BUILT_IN_FETCH } from "../built-in-config.js";

const ETAG = '"page-v7"';
const LAST_MODIFIED = "Wed, 01 May 2024 08:00:00 GMT";
const PREVIOUS: SourceState = {
  sourceId: "upstream",
  consecutiveFailures: 0,
  itemsCollected: 3,
  warnings: [],
  etag: ETAG,
  lastModified: LAST_MODIFIED,
};

let server: Server;
let base: string;
let requests: IncomingHttpHeaders[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.headers);
    if (req.headers["if-none-match"] === ETAG) {
      res.writeHead(304, { etag: ETAG, "last-modified": LAST_MODIFIED }).end();
      return;
    }
    // Anything unconditional gets a page no kind can read: a pass that did not stop at 304 fails.
    res.writeHead(500).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  requests = [];
});

function source(kind: SourceKind, extra: Partial<Source> = {}): Source {
  return {
    id: "upstream",
    kind,
    url: `${base}/${kind}`,
    schedule: { every: 600_000 },
    categories: [],
    enabled: true,
    retention: { maxItemsPerSource: 100, maxAgeMs: 1e12 },
    ...(kind === "html-ticker" && { timezone: "UTC" }),
    ...extra,
  };
}

function context(previous: SourceState | undefined): CollectContext {
  return {
    clock: () => Date.UTC(2024, 4, 2),
    fetchOptions: { ...BUILT_IN_FETCH, userAgent: "conditional-test/1.0" },
    knownIds: async () => new Set(),
    ...(previous !== undefined && { previous }),
  };
}

describe("a conditional GET of the configured URL", () => {
  it.each(SOURCE_KINDS)("%s: sends the stored validators and takes a 304 as nothing new", async (kind) => {
    const outcome = await COLLECTORS[kind](source(kind), context(PREVIOUS));
    expect(outcome).toEqual({ items: [], warnings: [], notModified: true, etag: ETAG, lastModified: LAST_MODIFIED });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ "if-none-match": ETAG, "if-modified-since": LAST_MODIFIED });
  });

  it.each(SOURCE_KINDS)("%s: sends no validators on a first pass", async (kind) => {
    await expect(COLLECTORS[kind](source(kind), context(undefined))).rejects.toThrow(/500/);
    expect(requests).toHaveLength(1);
    expect(requests[0]).not.toHaveProperty("if-none-match");
    expect(requests[0]).not.toHaveProperty("if-modified-since");
  });

  it("html-articles with refresh: fetches the listing unconditionally, whatever was stored", async () => {
    await expect(
      COLLECTORS["html-articles"](source("html-articles", { refresh: true }), context(PREVIOUS)),
    ).rejects.toThrow(/500/);
    expect(requests[0]).not.toHaveProperty("if-none-match");
  });
});
