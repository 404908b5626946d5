import { mkdtempSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FetchError, fetchResource, retryAfterOf, type FetchOptions } from "../../src/sources/fetch.js";
import { BUILT_IN_FETCH } from "../built-in-config.js";

const BODY = "<rss><channel><title>Hello</title></channel></rss>";
const ETAG = '"v1"';
const LAST_MODIFIED = "Wed, 21 Oct 2015 07:28:00 GMT";

/** Requests the server saw, by path, so tests can check what we sent. */
const seen = new Map<string, http.IncomingHttpHeaders>();
/** How the /endless response ended, seen from the server. */
let resolveEndless: (how: string) => void = () => undefined;
const endlessClosed = new Promise<string>((resolve) => {
  resolveEndless = resolve;
});

function route(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url ?? "/", "http://x");
  seen.set(url.pathname, req.headers);
  const p = url.pathname;
  if (p === "/ok") {
    res.writeHead(200, {
      "content-type": "application/rss+xml; charset=utf-8",
      etag: ETAG,
      "last-modified": LAST_MODIFIED,
    });
    res.end(BODY);
  } else if (p === "/conditional") {
    if (req.headers["if-none-match"] === ETAG && req.headers["if-modified-since"] === LAST_MODIFIED) {
      res.writeHead(304, { etag: ETAG });
      res.end();
    } else {
      res.writeHead(200, { etag: ETAG });
      res.end(BODY);
    }
  } else if (p === "/gzip" || p === "/br" || p === "/deflate" || p === "/raw-deflate") {
    const compressed =
      p === "/gzip"
        ? zlib.gzipSync(BODY)
        : p === "/br"
          ? zlib.brotliCompressSync(BODY)
          : p === "/deflate"
            ? zlib.deflateSync(BODY)
            : zlib.deflateRawSync(BODY);
    res.writeHead(200, { "content-encoding": p === "/raw-deflate" ? "deflate" : p.slice(1) });
    res.end(compressed);
  } else if (p === "/gzip-bomb") {
    res.writeHead(200, { "content-encoding": "gzip" });
    res.end(zlib.gzipSync(Buffer.alloc(5_000_000, 0x20)));
  } else if (p === "/endless") {
    // No Content-Length and far more than the cap (160 MB): only the running byte count can stop this.
    res.writeHead(200, { "content-type": "text/xml" });
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let sent = 0;
    const pump = (): void => {
      while (sent < 2500 && !res.destroyed && res.write(chunk)) sent++;
      if (sent >= 2500) res.end();
      else if (!res.destroyed) res.once("drain", pump);
    };
    res.on("close", () => resolveEndless(res.writableFinished ? "finished" : "client hung up"));
    pump();
  } else if (p === "/declared-too-big") {
    res.writeHead(200, { "content-length": String(10_000_000) });
    res.write("x");
  } else if (p.startsWith("/hop/")) {
    const n = Number(p.slice(5));
    if (n === 0) {
      res.writeHead(200);
      res.end("arrived");
    } else {
      res.writeHead(302, { location: `/hop/${n - 1}` });
      res.end();
    }
  } else if (p === "/loop-a" || p === "/loop-b") {
    res.writeHead(301, { location: p === "/loop-a" ? "/loop-b" : "/loop-a" });
    res.end();
  } else if (p === "/to-file") {
    res.writeHead(302, { location: "file:///etc/passwd" });
    res.end();
  } else if (p === "/429") {
    res.writeHead(429, { "retry-after": "120" });
    res.end();
  } else if (p === "/503") {
    res.writeHead(503, { "retry-after": "Wed, 21 Oct 2015 07:30:00 GMT", date: "Wed, 21 Oct 2015 07:28:00 GMT" });
    res.end();
  } else if (p === "/404") {
    res.writeHead(404);
    res.end("gone");
  } else if (p === "/hang") {
    // Never answers: only the total timeout ends this request.
  } else {
    res.writeHead(500);
    res.end();
  }
}

const server = http.createServer(route);
/** Accepts TCP connections and never speaks: a TLS handshake against it cannot complete. */
const silentSockets = new Set<net.Socket>();
const silent = net.createServer((socket) => {
  silentSockets.add(socket);
  socket.on("close", () => silentSockets.delete(socket));
});
let base = "";
let silentPort = 0;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  silentPort = (silent.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  for (const socket of silentSockets) socket.destroy();
  await new Promise((resolve) => silent.close(resolve));
});

const options: FetchOptions = { ...BUILT_IN_FETCH, userAgent: "test-agent/1.0", maxBytes: 100_000 };

async function fetchError(promise: Promise<unknown>): Promise<FetchError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FetchError);
  return err as FetchError;
}

describe("fetchResource over http", () => {
  it("returns the body, content type and validators, and identifies itself", async () => {
    const result = await fetchResource({ url: `${base}/ok`, options, accept: "application/rss+xml" });
    expect(result).toMatchObject({
      status: "ok",
      url: `${base}/ok`,
      contentType: "application/rss+xml; charset=utf-8",
      etag: ETAG,
      lastModified: LAST_MODIFIED,
    });
    expect(result.status === "ok" && result.body.toString()).toBe(BODY);
    const headers = seen.get("/ok");
    expect(headers?.["user-agent"]).toBe("test-agent/1.0");
    expect(headers?.accept).toBe("application/rss+xml");
    expect(headers?.["accept-encoding"]).toBe("gzip, deflate, br");
    expect(headers?.["if-none-match"]).toBeUndefined();
  });

  it("sends both validators and maps 304 to not-modified (RFC 9110 §13.1)", async () => {
    const result = await fetchResource({
      url: `${base}/conditional`,
      options,
      etag: ETAG,
      lastModified: LAST_MODIFIED,
    });
    expect(result).toEqual({
      status: "not-modified",
      url: `${base}/conditional`,
      etag: ETAG,
      lastModified: LAST_MODIFIED,
    });
  });

  it.each(["/gzip", "/br", "/deflate", "/raw-deflate"])("decodes Content-Encoding %s", async (p) => {
    const result = await fetchResource({ url: `${base}${p}`, options });
    expect(result.status === "ok" && result.body.toString()).toBe(BODY);
  });

  it("caps the decoded size of a compressed body (a gzip bomb)", async () => {
    const err = await fetchError(fetchResource({ url: `${base}/gzip-bomb`, options }));
    expect(err.message).toBe(`fetch: ${base}/gzip-bomb: body exceeds 100000 bytes`);
  });

  it("aborts a body that grows past maxBytes instead of buffering it", async () => {
    const err = await fetchError(fetchResource({ url: `${base}/endless`, options }));
    expect(err.message).toBe(`fetch: ${base}/endless: body exceeds 100000 bytes`);
    expect(await endlessClosed).toBe("client hung up");
  });

  it("refuses a declared Content-Length over the cap before reading", async () => {
    const err = await fetchError(fetchResource({ url: `${base}/declared-too-big`, options }));
    expect(err.message).toMatch(/body exceeds 100000 bytes$/);
  });

  it("follows redirects up to maxRedirects and reports the final URL", async () => {
    const result = await fetchResource({ url: `${base}/hop/5`, options });
    expect(result).toMatchObject({ status: "ok", url: `${base}/hop/0` });
  });

  it("stops after maxRedirects", async () => {
    const err = await fetchError(fetchResource({ url: `${base}/hop/6`, options }));
    expect(err.message).toBe(`fetch: ${base}/hop/6: too many redirects (more than 5)`);
  });

  it("detects a redirect loop", async () => {
    const err = await fetchError(fetchResource({ url: `${base}/loop-a`, options }));
    expect(err.message).toBe(`fetch: ${base}/loop-a: redirect loop at ${base}/loop-a`);
  });

  it("never follows a redirect to a non-http(s) URL", async () => {
    const err = await fetchError(fetchResource({ url: `${base}/to-file`, options }));
    expect(err.message).toContain("redirect to a non-http(s) URL file:///etc/passwd");
  });

  it("reports 429 with Retry-After in seconds", async () => {
    const err = await fetchError(fetchResource({ url: `${base}/429`, options }));
    expect(err.httpStatus).toBe(429);
    expect(err.retryAfterMs).toBe(120_000);
    expect(err.message).toBe(`fetch: ${base}/429: HTTP 429 Too Many Requests (retry after 120 s)`);
  });

  it("reports 503 with a Retry-After HTTP-date, measured against the response's Date", async () => {
    const err = await fetchError(fetchResource({ url: `${base}/503`, options }));
    expect(err.httpStatus).toBe(503);
    expect(err.retryAfterMs).toBe(120_000);
  });

  it("names the status of any other failure", async () => {
    const err = await fetchError(fetchResource({ url: `${base}/404`, options }));
    expect(err.httpStatus).toBe(404);
    expect(err.retryAfterMs).toBeUndefined();
    expect(err.message).toBe(`fetch: ${base}/404: HTTP 404 Not Found`);
  });

  it("gives up after the total timeout when the server never answers", async () => {
    const err = await fetchError(fetchResource({ url: `${base}/hang`, options: { ...options, timeoutMs: 150 } }));
    expect(err.message).toBe(`fetch: ${base}/hang: timed out after 150 ms (total)`);
  });

  it("gives up after the connect timeout when the TLS handshake never completes", async () => {
    const url = `https://127.0.0.1:${silentPort}/feed`;
    const err = await fetchError(fetchResource({ url, options: { ...options, connectTimeoutMs: 150 } }));
    expect(err.message).toBe(`fetch: ${url}: timed out after 150 ms (connect)`);
  });

  it("stops when the caller aborts", async () => {
    const controller = new AbortController();
    const pending = fetchResource({ url: `${base}/hang`, options, signal: controller.signal });
    controller.abort();
    const err = await fetchError(pending);
    expect(err.message).toBe(`fetch: ${base}/hang: aborted`);
  });

  it("rejects unsupported schemes and non-URLs clearly", async () => {
    expect((await fetchError(fetchResource({ url: "ftp://example.org/feed", options }))).message).toBe(
      "fetch: ftp://example.org/feed: unsupported URL scheme ftp:",
    );
    expect((await fetchError(fetchResource({ url: "feed.xml", options }))).message).toBe(
      "fetch: feed.xml: not an absolute URL",
    );
  });
});

describe("fetchResource over file:", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "fetch-test-"));
  const small = path.join(dir, "small.xml");
  const large = path.join(dir, "large.xml");
  writeFileSync(small, BODY);
  writeFileSync(large, Buffer.alloc(100_001, 0x61));

  it("reads the file, without validators", async () => {
    const url = pathToFileURL(small).href;
    const result = await fetchResource({ url, options, etag: ETAG });
    expect(result).toEqual({ status: "ok", url, body: Buffer.from(BODY) });
  });

  it("applies the same byte cap", async () => {
    const url = pathToFileURL(large).href;
    expect((await fetchError(fetchResource({ url, options }))).message).toBe(
      `fetch: ${url}: body exceeds 100000 bytes`,
    );
  });

  it("names a missing file", async () => {
    const url = pathToFileURL(path.join(dir, "missing.xml")).href;
    expect((await fetchError(fetchResource({ url, options }))).message).toBe(`fetch: ${url}: no such file`);
  });
});

describe("retryAfterOf", () => {
  it("reads delay-seconds and HTTP-dates (RFC 9110 §10.2.3), never negative", () => {
    expect(retryAfterOf("30", undefined)).toBe(30_000);
    expect(retryAfterOf("Wed, 21 Oct 2015 07:28:30 GMT", undefined, Date.parse("2015-10-21T07:28:00Z"))).toBe(30_000);
    expect(retryAfterOf("Wed, 21 Oct 2015 07:28:00 GMT", undefined, Date.parse("2015-10-21T08:00:00Z"))).toBe(0);
    expect(retryAfterOf("soon", undefined)).toBeUndefined();
  });
});
