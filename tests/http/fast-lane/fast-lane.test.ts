/**
 * The fast lane (src/http/fast-lane/) answers cached feed polls on the socket and hands every
 * other request, with the bytes after it, to node:http. These tests speak raw HTTP/1.1 over TCP
 * so pipelining, split heads and hand-offs are exercised exactly as a client would send them.
 */
import { createServer } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  installFastLane,
  type FastAnswer,
  type FastLane,
  type FastLaneOptions,
} from "../../../src/http/fast-lane/fast-lane.js";
import { startTestServer, type TestServer } from "../test-server.js";

interface RawResponse {
  readonly status: number;
  readonly headers: Map<string, string>;
  readonly body: string;
}

/** Opens a connection to the test server; `read(n, heads)` waits for n responses. */
async function open(origin: string): Promise<{
  socket: Socket;
  send(data: string): void;
  read(methods: readonly string[]): Promise<RawResponse[]>;
  closed: Promise<void>;
}> {
  const { hostname, port } = new URL(origin);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve) => socket.once("connect", resolve));
  let received = Buffer.alloc(0);
  let wake: (() => void) | undefined;
  socket.on("data", (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
    wake?.();
  });
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  socket.once("close", () => wake?.());
  return {
    socket,
    closed,
    send: (data) => socket.write(data),
    async read(methods) {
      for (;;) {
        const parsed = parseResponses(received, methods);
        if (parsed) return parsed;
        if (socket.destroyed)
          throw new Error(`connection closed after ${received.length} bytes: ${received.toString("latin1")}`);
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
}

/** Parses exactly one response per method, or undefined if the bytes are not all there yet. */
function parseResponses(bytes: Buffer, methods: readonly string[]): RawResponse[] | undefined {
  const responses: RawResponse[] = [];
  let offset = 0;
  for (const method of methods) {
    const end = bytes.indexOf("\r\n\r\n", offset);
    if (end === -1) return undefined;
    const [statusLine = "", ...lines] = bytes.toString("latin1", offset, end).split("\r\n");
    const headers = new Map(
      lines.map((line) => [line.slice(0, line.indexOf(":")).toLowerCase(), line.slice(line.indexOf(":") + 1).trim()]),
    );
    const status = Number(statusLine.split(" ")[1]);
    const length = method === "HEAD" || status === 304 ? 0 : Number(headers.get("content-length") ?? 0);
    if (bytes.length < end + 4 + length) return undefined;
    responses.push({ status, headers, body: bytes.toString("utf8", end + 4, end + 4 + length) });
    offset = end + 4 + length;
  }
  return responses;
}

const poll = (path = "/feeds/world.rss", extra = ""): string =>
  `GET ${path} HTTP/1.1\r\nHost: news.example.org\r\n${extra}\r\n`;

describe("fast lane", () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer();
    // The first poll renders the feed through node:http; after it the variant is cached.
    expect((await fetch(`${server.origin}/feeds/world.rss`)).status).toBe(200);
  });
  afterEach(async () => server.close());

  it("answers pipelined polls in order, and hands the connection to node:http at the first other request", async () => {
    const client = await open(server.origin);
    client.send(
      poll() +
        poll("/feeds/world.rss", "Accept-Encoding: identity\r\n") +
        poll("/healthz") +
        poll("/feeds/nope.rss") +
        poll(),
    );
    const [first, second, health, missing, last] = await client.read(["GET", "GET", "GET", "GET", "GET"]);
    expect([first?.status, second?.status, health?.status, missing?.status, last?.status]).toEqual([
      200, 200, 200, 404, 200,
    ]);
    expect(first?.body).toContain("<rss");
    expect(health?.body).toBe('{"status":"ok"}');
    expect(missing?.headers.get("content-type")).toContain("application/problem+json");
    // The last poll went through node:http: the same feed, the same validators and fields.
    expect(last?.body).toBe(first?.body);
    for (const name of ["etag", "last-modified", "cache-control", "content-type", "content-length", "vary", "link"]) {
      expect(last?.headers.get(name), name).toBe(first?.headers.get(name));
    }
    expect(first?.headers.get("date")).toMatch(/GMT$/);
    expect(first?.headers.get("connection")).toBe("keep-alive");
    client.socket.destroy();
  });

  it("answers a head that arrives one byte at a time", async () => {
    const client = await open(server.origin);
    for (const byte of poll()) client.send(byte);
    const [response] = await client.read(["GET"]);
    expect(response?.status).toBe(200);
    expect(response?.body).toContain("<rss");
    client.socket.destroy();
  });

  it("answers 304 to the negotiated coding's tag only, with no body (RFC 9110 §15.4.5)", async () => {
    const client = await open(server.origin);
    client.send(poll("/feeds/world.rss", "Accept-Encoding: gzip\r\n"));
    const [gzip] = await client.read(["GET"]);
    const tag = gzip?.headers.get("etag") ?? "";
    expect(tag).toMatch(/-gz"$/);
    client.send(poll("/feeds/world.rss", `Accept-Encoding: gzip\r\nIf-None-Match: ${tag}\r\n`));
    client.send(poll("/feeds/world.rss", `If-None-Match: ${tag}\r\n`));
    const [, notModified, identity] = await client.read(["GET", "GET", "GET"]);
    expect(notModified?.status).toBe(304);
    expect(notModified?.headers.get("etag")).toBe(tag);
    expect(notModified?.headers.has("content-length")).toBe(false);
    // Regression: a gzip tag used to revalidate the identity coding, whose ETag differs.
    expect(identity?.status).toBe(200);
    client.socket.destroy();
  });

  it("answers HEAD with the GET fields and no body", async () => {
    const client = await open(server.origin);
    client.send(`HEAD /feeds/world.rss HTTP/1.1\r\nHost: x\r\n\r\n${poll()}`);
    const [head, get] = await client.read(["HEAD", "GET"]);
    expect(head?.status).toBe(200);
    expect(head?.headers.get("content-length")).toBe(get?.headers.get("content-length"));
    expect(get?.body).toContain("<rss");
    client.socket.destroy();
  });

  it("closes after answering a request that says Connection: close", async () => {
    const client = await open(server.origin);
    client.send(poll("/feeds/world.rss", "Connection: close\r\n"));
    const [response] = await client.read(["GET"]);
    expect(response?.headers.get("connection")).toBe("close");
    await client.closed;
  });

  it("leaves a request with a body to node:http, which reads it and answers 405", async () => {
    const client = await open(server.origin);
    client.send(`POST /feeds/world.rss HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello${poll()}`);
    const [post, get] = await client.read(["POST", "GET"]);
    expect(post?.status).toBe(405);
    expect(get?.status).toBe(200);
    client.socket.destroy();
  });

  it("leaves an oversized head to node:http, which answers 431", async () => {
    const client = await open(server.origin);
    client.send(`GET /feeds/world.rss HTTP/1.1\r\nHost: x\r\nX-Padding: ${"a".repeat(20_000)}\r\n\r\n`);
    const [response] = await client.read(["GET"]);
    expect(response?.status).toBe(431);
  });

  it("lets the server close promptly while a lane connection is idle", async () => {
    const client = await open(server.origin);
    client.send(poll());
    await client.read(["GET"]);
    const started = Date.now();
    await server.close();
    await client.closed;
    expect(Date.now() - started).toBeLessThan(2_000);
    server = await startTestServer(); // afterEach closes it
  });
});

/** A bare node:http server behind the lane; `keepAliveTimeout` is node:http's (default 5 s). */
async function laneWith(
  answer: FastLaneOptions["answer"],
  failures: unknown[] = [],
  keepAliveTimeout?: number,
): Promise<{ origin: string; lane: FastLane; close(): Promise<void> }> {
  const server = createServer((req, res) => res.end(`node ${req.url}`));
  if (keepAliveTimeout !== undefined) server.keepAliveTimeout = keepAliveTimeout;
  const lane = installFastLane(server, { clock: () => Date.now(), answer, failed: (error) => failures.push(error) });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    lane,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const NOT_MODIFIED: FastAnswer = { status: 304, head: Buffer.from('HTTP/1.1 304 Not Modified\r\nETag: "x"\r\n') };

describe("fast lane in front of a bare node:http server", () => {
  it("keeps a connection that polls within the idle timeout, and closes it that long after its last answer", async () => {
    // node:http's idle timeout: keepAliveTimeout + 1 s of grace, here 1.1 s.
    const server = await laneWith(() => NOT_MODIFIED, [], 100);
    const client = await open(server.origin);
    let closedAt: number | undefined;
    void client.closed.then(() => (closedAt = performance.now()));
    let answeredAt = 0;
    for (let polls = 1; polls <= 3; polls++) {
      client.send(poll());
      await client.read(Array<string>(polls).fill("GET"));
      answeredAt = performance.now();
      // 1.4 s after the first answer: open still, though a timer armed then and never moved would have closed it.
      if (polls < 3) await new Promise((resolve) => setTimeout(resolve, 700));
    }
    await client.closed;
    const idleMs = (closedAt ?? 0) - answeredAt;
    expect(idleMs).toBeGreaterThanOrEqual(1_000);
    expect(idleMs).toBeLessThan(1_800);
    await server.close();
  });

  it("lets an answer take longer than the idle timeout to reach a slow reader, then keeps the connection alive (bug: the lane cut it off mid-body)", async () => {
    // 64 MB cannot all sit in loopback socket buffers: most of it waits in Node until the client reads.
    const body = Buffer.alloc(64 * 1024 * 1024, 0x61);
    const head = Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n`);
    const server = await laneWith(
      (request) => (request.target === "/big" ? { status: 200, head, body } : NOT_MODIFIED),
      [],
      100,
    ); // idle timeout 1.1 s
    const { hostname, port } = new URL(server.origin);
    const socket = connect(Number(port), hostname);
    await new Promise<void>((resolve) => socket.once("connect", resolve));
    let received = 0;
    let closed = false;
    socket.once("close", () => (closed = true));
    socket.pause();
    socket.write(poll("/big"));
    // The client reads nothing for 2 s, longer than the idle timeout.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const wholeAnswer = body.length + 100;
    await new Promise<void>((resolve) => {
      socket.on("data", (chunk: Buffer) => {
        received += chunk.length;
        if (received >= wholeAnswer) resolve();
      });
      socket.once("close", () => resolve());
      socket.resume();
    });
    expect(closed, `closed after ${received} of ${wholeAnswer}+ bytes`).toBe(false);
    // Idle for 1 s from the moment the answer went out: inside the 1.4 s window, so the next
    // poll is answered (counting from when the answer was written, 2 s earlier, would not be).
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const before = received;
    socket.write(poll("/small"));
    await vi.waitFor(() => expect(closed || received > before).toBe(true));
    expect(closed, "closed while idle within the keep-alive window").toBe(false);
    socket.destroy();
    await server.close();
  });

  it("drops a connection's timer when the connection ends abruptly", async () => {
    // Only setTimeout is faked, to count the timers the lane leaves behind; sockets run as ever.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      const server = await laneWith(() => NOT_MODIFIED, [], 60_000);
      const before = vi.getTimerCount();
      const clients = await Promise.all(Array.from({ length: 40 }, () => open(server.origin)));
      await vi.waitFor(() => expect(server.lane.connections()).toBe(40));
      expect(vi.getTimerCount() - before).toBe(40); // each waits for its first head
      // A reset, not a FIN: the server sees an error and a close, never the end of the stream.
      for (const client of clients) client.socket.resetAndDestroy();
      await vi.waitFor(() => expect(server.lane.connections()).toBe(0));
      expect(vi.getTimerCount() - before).toBe(0);
      await server.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it("keeps whole answers within a second and dates them anew in the next (RFC 9110 §6.6.1)", async () => {
    const lane = createServer((_req, res) => res.end("node"));
    let now = Date.UTC(2026, 11, 3, 8, 0, 0, 100);
    const body = Buffer.from("lane");
    const ok: FastAnswer = { status: 200, head: Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: 4\r\n`), body };
    installFastLane(lane, {
      clock: () => now,
      answer: (request) => (request.target === "/304" ? NOT_MODIFIED : ok),
    });
    await new Promise<void>((resolve) => lane.listen(0, "127.0.0.1", resolve));
    const dates = async (): Promise<(string | undefined)[]> => {
      const client = await open(`http://127.0.0.1:${(lane.address() as AddressInfo).port}`);
      client.send(poll("/304") + poll("/200") + poll("/304"));
      const responses = await client.read(["GET", "GET", "GET"]);
      client.socket.destroy();
      expect(responses.map((response) => response.status)).toEqual([304, 200, 304]);
      expect(responses[1]?.body).toBe("lane");
      return responses.map((response) => response.headers.get("date"));
    };
    expect(await dates()).toEqual(Array(3).fill("Thu, 03 Dec 2026 08:00:00 GMT"));
    now += 950; // the same 304 and 200 a second later carry the new Date, not the kept bytes
    expect(await dates()).toEqual(Array(3).fill("Thu, 03 Dec 2026 08:00:01 GMT"));
    lane.closeAllConnections();
    await new Promise<void>((resolve) => lane.close(() => resolve()));
  });

  it("answers what it can, then node:http answers everything after the first request it cannot", async () => {
    const lane = createServer((req, res) => res.end(`node ${req.url}`));
    const body = Buffer.from("lane");
    const observed: number[] = [];
    const installed = installFastLane(lane, {
      clock: () => Date.UTC(2026, 10, 30, 12, 0, 0),
      answer: (request) =>
        request.target === "/cached"
          ? { status: 200, head: Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n`), body }
          : undefined,
      observe: (status) => observed.push(status),
    });
    await new Promise<void>((resolve) => lane.listen(0, "127.0.0.1", resolve));
    const client = await open(`http://127.0.0.1:${(lane.address() as AddressInfo).port}`);
    expect(installed.connections()).toBe(1);
    client.send(poll("/cached") + poll("/cached") + poll("/other") + poll("/cached"));
    const responses = await client.read(["GET", "GET", "GET", "GET"]);
    expect(responses.map((response) => response.body)).toEqual(["lane", "lane", "node /other", "node /cached"]);
    expect(responses[0]?.headers.get("date")).toBe("Mon, 30 Nov 2026 12:00:00 GMT");
    expect(observed).toEqual([200, 200]);
    expect(installed.connections()).toBe(0);
    client.socket.destroy();
    lane.closeAllConnections();
    await new Promise<void>((resolve) => lane.close(() => resolve()));
  });
  it("hands a head that arrives in pieces to node:http, which then owns its headers timeout", async () => {
    const lane = createServer((req, res) => res.end(`node ${req.url}`));
    const installed = installFastLane(lane, {
      clock: () => Date.now(),
      answer: () => ({
        status: 200,
        head: Buffer.from("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n"),
        body: Buffer.from("lane"),
      }),
    });
    await new Promise<void>((resolve) => lane.listen(0, "127.0.0.1", resolve));
    const client = await open(`http://127.0.0.1:${(lane.address() as AddressInfo).port}`);
    const head = poll("/cached");
    client.send(head.slice(0, 10));
    await expect.poll(() => installed.connections()).toBe(0);
    client.send(head.slice(10));
    expect((await client.read(["GET"]))[0]?.body).toBe("node /cached");
    client.socket.destroy();
    lane.closeAllConnections();
    await new Promise<void>((resolve) => lane.close(() => resolve()));
  });
});

describe("fast lane answers that must be rendered first", () => {
  const body = Buffer.from("lane");
  const ok = (text: string): FastAnswer => ({
    status: 200,
    head: Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${text.length}\r\n`),
    body: Buffer.from(text),
  });

  it("keeps the connection after a render, answering pipelined requests in order (regression: every change sent all pollers to the slow path for good)", async () => {
    const server = await laneWith((request) =>
      request.target === "/render"
        ? new Promise<FastAnswer>((resolve) => setTimeout(() => resolve(ok("rendered")), 50))
        : { status: 200, head: Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n`), body },
    );
    const client = await open(server.origin);
    client.send(poll("/render") + poll("/cached"));
    const responses = await client.read(["GET", "GET"]);
    expect(responses.map((response) => response.body)).toEqual(["rendered", "lane"]);
    expect(server.lane.connections()).toBe(1);
    client.send(poll("/cached"));
    expect((await client.read(["GET", "GET", "GET"]))[2]?.body).toBe("lane");
    client.socket.destroy();
    await server.close();
  });

  it("reports a render that fails and hands that request, and every one after it, to node:http", async () => {
    const failures: unknown[] = [];
    const server = await laneWith(
      (request) => (request.target === "/broken" ? Promise.reject(new Error("render failed")) : ok("lane")),
      failures,
    );
    const client = await open(server.origin);
    client.send(poll("/cached") + poll("/broken") + poll("/cached"));
    const responses = await client.read(["GET", "GET", "GET"]);
    expect(responses.map((response) => response.body)).toEqual(["lane", "node /broken", "node /cached"]);
    expect(server.lane.connections()).toBe(0);
    expect(failures.map((error) => (error as Error).message)).toEqual(["render failed"]);
    client.socket.destroy();
    await server.close();
  });
});
