/**
 * What node:http sends to the feed responder rather than to Express: every `/feeds/…` request,
 * and what the old Express mount `app.use("/feeds")` sent there too, so those keep answering
 * the feed 404 (which lists every feed) and the feeds' 405 rather than the site's 404.
 */
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isFeedTarget } from "../../src/http/feed-route.js";
import { startTestServer, type TestServer } from "./test-server.js";

describe("isFeedTarget", () => {
  it.each([
    ["/feeds/world.rss", true],
    ["/feeds/", true],
    ["/feeds", true],
    ["/feeds?limit=5", true],
    ["/FEEDS/world.rss", true],
    ["/Feeds", true],
    ["http://news.example.org/feeds/world.rss", true],
    ["https://news.example.org/feeds?x=1", true],
    ["/feeds.opml", false],
    ["/feedsx/world.rss", false],
    ["/", false],
    ["/status.json?feeds/", false],
    ["http://news.example.org/", false],
    ["*", false],
  ])("%s → %s", (url, expected) => {
    expect(isFeedTarget(url)).toBe(expected);
  });
});

/** One request over a raw socket (absolute-form targets, any method), read until the server closes. */
async function raw(origin: string, head: string): Promise<{ status: number; head: string; body: string }> {
  const { hostname, port } = new URL(origin);
  const socket = connect(Number(port), hostname);
  let received = "";
  socket.on("data", (chunk: Buffer) => (received += chunk.toString("utf8")));
  socket.write(`${head}Host: news.example.org\r\nConnection: close\r\n\r\n`);
  await new Promise<void>((resolve) => socket.once("close", () => resolve()));
  const end = received.indexOf("\r\n\r\n");
  return { status: Number(received.split(" ")[1]), head: received.slice(0, end), body: received.slice(end + 4) };
}

describe("the feed path on node:http", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server.close());

  it.each(["/feeds", "/feeds/", "/FEEDS/world.rss", "/feeds?limit=5"])(
    "answers %s with the feed 404 that lists every feed",
    async (path) => {
      const response = await raw(server.origin, `GET ${path} HTTP/1.1\r\n`);
      expect(response.status).toBe(404);
      const problem = JSON.parse(response.body) as { title: string; feeds: string[]; instance: string };
      expect(problem.title).toBe("Feed not found");
      expect(problem.feeds).toContain("/feeds/world.rss");
      expect(problem.instance).toBe(path);
    },
  );

  it("answers an absolute-form target like its origin-form", async () => {
    const response = await raw(server.origin, "GET http://news.example.org/feeds/world.rss HTTP/1.1\r\n");
    expect(response.status).toBe(200);
    expect(response.body).toContain("<rss");
  });

  it.each(["POST /feeds/world.rss", "DELETE /feeds", "OPTIONS /FEEDS/world.rss"])(
    "answers %s with 405 and Allow: GET, HEAD",
    async (line) => {
      const response = await raw(server.origin, `${line} HTTP/1.1\r\nContent-Length: 0\r\n`);
      expect(response.status).toBe(405);
      expect(response.head).toMatch(/\r\nAllow: GET, HEAD\r\n/);
      expect(response.head).toContain("application/problem+json");
    },
  );

  it("leaves other paths that merely start with /feeds to the site", async () => {
    const response = await raw(server.origin, "GET /feedsx/world.rss HTTP/1.1\r\n");
    expect(response.status).toBe(404);
    expect((JSON.parse(response.body) as { title: string }).title).toBe("Not found");
    expect((await raw(server.origin, "GET /feeds.opml HTTP/1.1\r\n")).body).toContain("<opml");
  });
});
