/**
 * Issue 9 point 2: URLs that upstream content or a redirect names must not lead the collector into
 * private networks. Loopback stands in for them: 127.0.0.1 on another port is another origin and
 * not public, while the source's own configured origin (also loopback here) stays trusted.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CollectContext } from "../../src/sources/collector.js";
import { collectFeed } from "../../src/sources/feed/index.js";
import type { FetchOptions } from "../../src/sources/fetch.js";
import { collectArticles } from "../../src/sources/html-articles/index.js";
import type { Source } from "../../src/model/index.js";
import { articlesSource } from "./articles-source.js";

const FETCH: FetchOptions = {
  userAgent: "private-networks-test",
  connectTimeoutMs: 2_000,
  timeoutMs: 2_000,
  maxBytes: 1024 * 1024,
  maxRedirects: 3,
};
const NOW = Date.parse("2026-06-11T08:00:00Z");

function context(fetchOptions: FetchOptions = FETCH): CollectContext {
  return { clock: () => NOW, fetchOptions, knownIds: async () => new Set<string>() };
}

function articlePage(title: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1>
<p><time datetime="2026-06-10T14:45:00Z">10 June</time></p>
<p>${"A paragraph of the story that is long enough for Readability to keep it as the body. ".repeat(4)}</p></body></html>`;
}

const RSS = `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>http://x/</link><description>d</description>
<item><title>Secret document from an internal service</title><link>http://internal/secret</link><guid>urn:secret</guid></item></channel></rss>`;

interface Upstream {
  readonly origin: string;
  readonly requests: string[];
  close(): Promise<void>;
}

async function serve(handler: (path: string, res: ServerResponse, req: IncomingMessage) => void): Promise<Upstream> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    requests.push(path);
    handler(path, res, req);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function html(res: ServerResponse, body: string): void {
  res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
  res.end(body);
}

describe("URLs named by upstream content or redirects", () => {
  let internal: Upstream;
  let upstream: Upstream;

  beforeAll(async () => {
    // The "internal service": any request reaching it is the attack succeeding.
    internal = await serve((path, res) => {
      if (path === "/feed.xml") {
        res.writeHead(200, { "content-type": "application/rss+xml" });
        res.end(RSS);
      } else html(res, articlePage("Secret document from an internal service"));
    });
    const internalPort = new URL(internal.origin).port;
    upstream = await serve((path, res) => {
      if (path === "/listing.html") {
        html(
          res,
          `<html><body>
<div class="teaser"><h2><a href="/news/own-story.html">Own story</a></h2></div>
<div class="teaser"><h2><a href="${internal.origin}/admin/credentials.html">Internal</a></h2></div>
<div class="teaser"><h2><a href="http://localhost:${internalPort}/by-name.html">Internal by name</a></h2></div>
</body></html>`,
        );
      } else if (path === "/news/own-story.html") html(res, articlePage("Own story on the source's origin"));
      else if (path === "/feed.xml") {
        res.writeHead(302, { location: `${internal.origin}/feed.xml` });
        res.end();
      } else if (path === "/moved.xml") {
        res.writeHead(301, { location: "/feed-here.xml" });
        res.end();
      } else if (path === "/feed-here.xml") {
        res.writeHead(200, { "content-type": "application/rss+xml" });
        res.end(RSS.replace("Secret document from an internal service", "Story on the source's origin"));
      } else {
        res.writeHead(404);
        res.end();
      }
    });
  });
  afterAll(async () => {
    await upstream.close();
    await internal.close();
  });

  it("does not fetch article links to another private origin, and warns naming each refused URL", async () => {
    const before = internal.requests.length;
    const outcome = await collectArticles(articlesSource(`${upstream.origin}/listing.html`), context());
    expect(internal.requests.slice(before)).toEqual([]);
    expect(outcome.items.map((item) => item.title)).toEqual(["Own story on the source's origin"]);
    const internalPort = new URL(internal.origin).port;
    expect(outcome.warnings).toEqual([
      expect.stringMatching(
        new RegExp(`${internal.origin}/admin/credentials\\.html.*refused.*non-public address 127\\.0\\.0\\.1`),
      ),
      expect.stringMatching(new RegExp(`http://localhost:${internalPort}/by-name\\.html.*refused.*non-public address`)),
    ]);
  });

  it("fetches them when an allowed network covers the address", async () => {
    const before = internal.requests.length;
    const outcome = await collectArticles(
      articlesSource(`${upstream.origin}/listing.html`),
      context({ ...FETCH, allowedNetworks: ["127.0.0.0/8", "::1/128"] }),
    );
    expect(internal.requests.slice(before).sort()).toEqual(["/admin/credentials.html", "/by-name.html"]);
    expect(outcome.warnings).toEqual([]);
    expect(outcome.items).toHaveLength(3);
  });

  it("fetches them with allow_private_networks", async () => {
    const outcome = await collectArticles(
      articlesSource(`${upstream.origin}/listing.html`),
      context({ ...FETCH, allowPrivateNetworks: true }),
    );
    expect(outcome.warnings).toEqual([]);
  });

  const feedSource = (url: string): Source => {
    const { select: _withoutSelect, ...source } = articlesSource(url);
    return { ...source, kind: "feed" };
  };

  it("fails a feed whose configured URL redirects to another private origin, without requesting it", async () => {
    const before = internal.requests.length;
    await expect(collectFeed(feedSource(`${upstream.origin}/feed.xml`), context())).rejects.toThrow(
      new RegExp(`fetch: ${internal.origin}/feed\\.xml: refused: host 127\\.0\\.0\\.1 resolves to non-public address`),
    );
    expect(internal.requests.slice(before)).toEqual([]);
  });

  it("follows a redirect within the configured origin", async () => {
    const outcome = await collectFeed(feedSource(`${upstream.origin}/moved.xml`), context());
    expect(outcome.items.map((item) => item.title)).toEqual(["Story on the source's origin"]);
  });
});
