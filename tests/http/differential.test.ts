/**
 * The fast lane must be invisible: whatever a client sends, the service with the lane answers
 * exactly what plain node:http (the same app, lane switched off) answers, byte for byte but the
 * Date field, and closes the connection at the same moment. Each request shape below is sent over
 * a raw socket to a fresh pair of servers, one with the lane and one without, with short injected
 * timeouts so that idle and slow-head connections close within the test.
 */
import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import type { HttpTimeouts } from "../../src/http/server.js";
import type { ClassifiedItem } from "../../src/model/index.js";
import { startTestServer, type TestServer } from "./test-server.js";

/**
 * node:http keeps an idle connection keepAliveTimeout + 1 s, and looks for late heads every
 * connectionsCheckingInterval: the moments below are far enough apart to tell apart under load.
 */
const TIMEOUTS: HttpTimeouts = {
  keepAliveTimeout: 1_000,
  headersTimeout: 400,
  requestTimeout: 800,
  connectionsCheckingInterval: 50,
};
/** How far apart the two servers may close the same connection (timers, a loaded machine). */
const CLOSE_TOLERANCE_MS = 300;
/** A connection still open this long after the last step is reported as "open", not awaited. */
const GIVE_UP_MS = 4_000;

/** What a client does, in order: send bytes, pause, half-close, or wait for an answer. */
type Step =
  | { readonly send: string }
  | { readonly pause: number }
  | { readonly halfClose: true }
  | { readonly await: string; readonly count?: number };

interface Shape {
  readonly name: string;
  readonly steps: readonly Step[];
  /** Whether the feeds are rendered (cached) before the shape is sent; default true. */
  readonly warm?: boolean;
}

interface Outcome {
  /** Everything the server sent, Date values masked. */
  readonly received: string;
  /** When the server closed the connection, after the last step; "open" if it did not. */
  readonly closedAfterMs: number | "open";
}

const PUBLISHED = Date.UTC(2026, 10, 25, 9, 0, 0);
/** One story in the feeds, so that they carry Last-Modified. */
const STORY: ClassifiedItem = {
  id: "https://wire.example.org/story/1",
  sourceId: "wire",
  kind: "article",
  url: "https://wire.example.org/story/1",
  title: "Talks continue in Brussels",
  authors: [],
  tags: [],
  enclosures: [],
  published: PUBLISHED,
  categories: ["world"],
};

const poll = (path = "/feeds/world.rss", extra = "", version = "1.1"): string =>
  `GET ${path} HTTP/${version}\r\nHost: news.example.org\r\n${extra}\r\n`;
const send = (data: string): Step => ({ send: data });
const ETAG_OF_WORLD = "etag-of-world";

const SHAPES: readonly Shape[] = [
  { name: "a poll, keep-alive", steps: [send(poll())] },
  { name: "a poll of a feed that must be rendered first", warm: false, steps: [send(poll())] },
  { name: "a poll with Connection: close", steps: [send(poll("/feeds/world.rss", "Connection: close\r\n"))] },
  {
    name: "two polls, the second after the first answer",
    steps: [send(poll()), { await: "</rss>" }, send(poll("/feeds/world.json"))],
  },
  {
    name: "a pipelined batch: polls, another route, an unknown feed, a poll",
    steps: [
      send(
        poll() +
          poll("/feeds/world.rss", "Accept-Encoding: gzip\r\n") +
          poll("/healthz") +
          poll("/feeds/nope.rss") +
          poll(),
      ),
    ],
  },
  {
    name: "a pipelined batch of feeds that must be rendered first",
    warm: false,
    steps: [send(poll() + poll("/feeds/world.atom") + poll() + poll("/healthz"))],
  },
  // Not followed by a third: a client that sends "close" must send nothing after it (RFC 9112
  // §9.6). Were it to, node:http (20) would drop the answer to the "close" request too.
  {
    name: "a pipelined batch ending in Connection: close",
    steps: [send(poll() + poll("/feeds/world.rss", "Connection: close\r\n"))],
  },
  {
    name: "half-closed after a full request (regression: the lane kept the connection until its idle timeout)",
    steps: [send(poll()), { halfClose: true }],
  },
  {
    name: "half-closed after a pipelined batch",
    steps: [send(poll() + poll("/feeds/world.json")), { halfClose: true }],
  },
  {
    name: "half-closed after a request for a feed that must be rendered first",
    warm: false,
    steps: [send(poll()), { halfClose: true }],
  },
  {
    name: "half-closed after an answer, while idle",
    steps: [send(poll()), { await: "</rss>" }, { halfClose: true }],
  },
  { name: "half-closed mid-head", steps: [send("GET /feeds/world.rss HTTP/1.1\r\nHost: ne"), { halfClose: true }] },
  { name: "half-closed after a poll and half a head", steps: [send(poll() + "GET /feeds/wo"), { halfClose: true }] },
  {
    name: "a head that never completes (regression: the lane closed it silently where node:http answers 408)",
    steps: [send("GET /feeds/world.rss HTTP/1.1\r\nHost: news.example.org\r\n")],
  },
  {
    name: "a head that never completes after an answered poll",
    steps: [send(poll()), { await: "</rss>" }, send("GET /f")],
  },
  { name: "a connection that sends nothing", steps: [] },
  {
    name: "a head that arrives in pieces",
    steps: [send("GET /feeds/world.rss HT"), { pause: 30 }, send("TP/1.1\r\nHost: a\r\n"), { pause: 30 }, send("\r\n")],
  },
  { name: "an oversized head", steps: [send(poll("/feeds/world.rss", `X-Padding: ${"a".repeat(20_000)}\r\n`))] },
  {
    name: "an oversized head that never completes",
    steps: [send(`GET /feeds/world.rss HTTP/1.1\r\nX-Padding: ${"a".repeat(20_000)}`)],
  },
  { name: "a bad request line", steps: [send("GET /feeds/world.rss HTTP/1.1 extra\r\nHost: a\r\n\r\n")] },
  { name: "a lowercase method", steps: [send("get /feeds/world.rss HTTP/1.1\r\nHost: a\r\n\r\n")] },
  { name: "garbage", steps: [send("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n")] },
  { name: "no Host", steps: [send("GET /feeds/world.rss HTTP/1.1\r\n\r\n")] },
  { name: "HEAD of a feed", steps: [send(`HEAD /feeds/world.rss HTTP/1.1\r\nHost: a\r\n\r\n${poll()}`)] },
  {
    name: "If-None-Match with the current tag",
    steps: [send(poll("/feeds/world.rss", `If-None-Match: ${ETAG_OF_WORLD}\r\n`))],
  },
  { name: "If-None-Match with another tag", steps: [send(poll("/feeds/world.rss", 'If-None-Match: "other"\r\n'))] },
  {
    name: "If-Modified-Since, not modified since, then modified since",
    steps: [
      send(
        poll("/feeds/world.rss", "If-Modified-Since: Wed, 25 Nov 2026 09:00:00 GMT\r\n") +
          poll("/feeds/world.rss", "If-Modified-Since: Wed, 25 Nov 2026 08:59:59 GMT\r\n"),
      ),
    ],
  },
  { name: "If-None-Match: *", steps: [send(poll("/feeds/world.rss", "If-None-Match: *\r\n"))] },
  {
    name: "a 304, half-closed",
    steps: [send(poll("/feeds/world.rss", `If-None-Match: ${ETAG_OF_WORLD}\r\n`)), { halfClose: true }],
  },
  { name: "brotli, then identity", steps: [send(poll("/feeds/world.rss", "Accept-Encoding: br\r\n") + poll())] },
  { name: "HTTP/1.0", steps: [send(poll("/feeds/world.rss", "", "1.0"))] },
  { name: "HTTP/1.0 keep-alive", steps: [send(poll("/feeds/world.rss", "Connection: keep-alive\r\n", "1.0"))] },
  { name: "a bad query parameter", steps: [send(poll("/feeds/world.rss?limit=0") + poll())] },
  {
    name: "a POST with a body, then a poll",
    steps: [send(`POST /feeds/world.rss HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello${poll()}`)],
  },
  { name: "Expect: 100-continue", steps: [send(poll("/feeds/world.rss", "Expect: 100-continue\r\n"))] },
  { name: "an absolute-form target", steps: [send(poll("http://news.example.org/feeds/world.rss"))] },
];

async function exchange(origin: string, shape: Shape, etag: string): Promise<Outcome> {
  const { hostname, port } = new URL(origin);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  let received = "";
  let wake: (() => void) | undefined;
  let closedAt: number | undefined;
  socket.on("data", (chunk: Buffer) => {
    received += chunk.toString("latin1");
    wake?.();
  });
  socket.on("error", () => undefined); // a reset is a close like any other here
  const closed = new Promise<void>((resolve) =>
    socket.once("close", () => {
      closedAt = performance.now();
      wake?.();
      resolve();
    }),
  );
  const until = async (done: () => boolean): Promise<void> => {
    while (!done() && closedAt === undefined) await new Promise<void>((resolve) => (wake = resolve));
  };
  for (const step of shape.steps) {
    if ("send" in step) socket.write(step.send.replaceAll(ETAG_OF_WORLD, etag));
    else if ("pause" in step) await new Promise((resolve) => setTimeout(resolve, step.pause));
    else if ("halfClose" in step) socket.end();
    else await until(() => received.split(step.await).length > (step.count ?? 1));
  }
  const lastStep = performance.now();
  const giveUp = setTimeout(() => wake?.(), GIVE_UP_MS);
  await until(() => performance.now() - lastStep >= GIVE_UP_MS);
  clearTimeout(giveUp);
  socket.destroy();
  await closed;
  return {
    received: received.replace(/^Date: .*$/gm, "Date: (masked)"),
    closedAfterMs: closedAt === undefined || closedAt - lastStep >= GIVE_UP_MS ? "open" : closedAt - lastStep,
  };
}

/** The same shape against a fresh server with the lane and one without. */
async function compare(shape: Shape): Promise<{ lane: Outcome; plain: Outcome }> {
  const servers: TestServer[] = [];
  try {
    const lane = await startTestServer({ timeouts: TIMEOUTS });
    servers.push(lane);
    const plain = await startTestServer({ timeouts: TIMEOUTS, fastLane: false });
    servers.push(plain);
    for (const server of servers) await server.store.commitRun({ sourceId: "wire", at: PUBLISHED }, [STORY], PUBLISHED);
    let etag = "";
    if (shape.warm ?? true) {
      for (const server of servers) {
        for (const path of ["/feeds/world.rss", "/feeds/world.json"]) {
          const response = await fetch(`${server.origin}${path}`, { headers: { "accept-encoding": "identity" } });
          if (path.endsWith(".rss")) etag = response.headers.get("etag") ?? "";
          await response.arrayBuffer();
        }
      }
    }
    const [laneOutcome, plainOutcome] = await Promise.all([
      exchange(lane.origin, shape, etag),
      exchange(plain.origin, shape, etag),
    ]);
    return { lane: laneOutcome, plain: plainOutcome };
  } finally {
    await Promise.all(servers.map((server) => server.close()));
  }
}

function expectSameOutcome({ lane, plain }: { lane: Outcome; plain: Outcome }): void {
  expect(lane.received).toBe(plain.received);
  if (lane.closedAfterMs === "open" || plain.closedAfterMs === "open") {
    expect(lane.closedAfterMs, "connection closed").toBe(plain.closedAfterMs);
  } else {
    expect(
      Math.abs(lane.closedAfterMs - plain.closedAfterMs),
      `closed after ${Math.round(lane.closedAfterMs)} ms with the lane, ${Math.round(plain.closedAfterMs)} ms without`,
    ).toBeLessThanOrEqual(CLOSE_TOLERANCE_MS);
  }
}

describe("the fast lane answers every request shape as plain node:http does", () => {
  it.concurrent.each(SHAPES.map((shape) => [shape.name, shape] as const))("%s", async (_, shape) => {
    expectSameOutcome(await compare(shape));
  });
});
