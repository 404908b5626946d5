#!/usr/bin/env node
/**
 * The upstream simulator of the scale bench: `node bench/scale/upstream.mjs FEEDS HOSTS`, forked
 * with an IPC channel. It serves FEEDS RSS documents from HOSTS node:http listeners on 127.0.0.1
 * (port 0 each; the worker's limiter keys hosts by host:port, so HOSTS listeners are HOSTS hosts
 * to `worker.per_host`). Feed i lives at http://127.0.0.1:PORT[i % HOSTS]/f/i.xml.
 *
 * Each feed has a version: its ETag is `"i-version"` and its Last-Modified the version's time. A
 * conditional GET (If-None-Match or If-Modified-Since) that still matches gets a 304 with no body,
 * as a well-behaved upstream answers a poller (RFC 9110 §13.1). `advance` adds new items to a
 * share of the feeds (a new version for those), so the next pass sees mostly 304s and some 200s.
 *
 * Messages (process.send / on "message"):
 *   parent → { cmd: "advance", share, items }  → { ok: true, changed }   share of feeds get `items` new items
 *   parent → { cmd: "stats" }                 → { ok: true, requests, notModified, ok200 } since the last stats
 *   parent → { cmd: "close" }                 → exits
 *   child  → { ready: true, urls }            once listening (urls[i] is feed i's URL)
 * Runs in its own process so its CPU is not the collector's nor the latency client's.
 */
import { Buffer } from "node:buffer";
import { createServer } from "node:http";

const KEEP = 10; // items a feed document lists, newest first
const START_ITEMS = 3;
const WORDS = (
  "minister government council market bank inflation export trade port storm rail city region officials " +
  "plan season report growth energy solar water drought farmers tourism league court budget reform school " +
  "hospital network startup investment cloud data research university summit talks border weather festival"
).split(" ");

/** Deterministic words (an LCG), so item text varies like real headlines and is the same every run. */
function words(seed, count) {
  let state = (seed * 2654435761) >>> 0;
  const out = [];
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out.push(WORDS[state % WORDS.length]);
  }
  return out.join(" ");
}

const escape = (text) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;");

function createFeeds(count, now) {
  // Each feed: its version, when that version appeared, and how many items it has had.
  return Array.from({ length: count }, () => ({ version: 1, at: now, items: START_ITEMS }));
}

function render(index, feed) {
  const entries = [];
  for (let n = feed.items; n > Math.max(0, feed.items - KEEP); n--) {
    const id = `https://upstream.example/${index}/${n}`;
    const published = feed.at - (feed.items - n) * 60_000;
    entries.push(
      `<item><title>${escape(`Item ${n} of feed ${index}: ${words(index * 1000 + n, 8)}`)}</title>` +
        `<link>${id}</link><guid isPermaLink="true">${id}</guid>` +
        `<pubDate>${new Date(published).toUTCString()}</pubDate>` +
        `<description>${escape(words(index * 1000 + n + 7, 40))}</description></item>`,
    );
  }
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Upstream ${index}</title>` +
    `<link>https://upstream.example/${index}/</link><description>Simulated feed ${index}</description>` +
    `${entries.join("")}</channel></rss>\n`
  );
}

const [feedCount = "10", hostCount = "16"] = process.argv.slice(2);
const feeds = createFeeds(Number(feedCount), Date.now() - 3_600_000);
const counts = { requests: 0, notModified: 0, ok200: 0 };

function handle(req, res) {
  counts.requests++;
  const match = /^\/f\/(\d+)\.xml$/.exec(req.url ?? "");
  const index = match ? Number(match[1]) : -1;
  const feed = feeds[index];
  if (!feed) {
    res.writeHead(404).end();
    return;
  }
  const etag = `"${index}-${feed.version}"`;
  const lastModified = new Date(feed.at).toUTCString();
  const inm = req.headers["if-none-match"];
  const ims = req.headers["if-modified-since"];
  const fresh =
    inm !== undefined ? inm === etag : ims !== undefined && Date.parse(ims) >= Math.floor(feed.at / 1000) * 1000;
  if (fresh) {
    counts.notModified++;
    res.writeHead(304, { etag, "last-modified": lastModified }).end();
    return;
  }
  counts.ok200++;
  const body = render(index, feed);
  res.writeHead(200, {
    "content-type": "application/rss+xml; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    etag,
    "last-modified": lastModified,
  });
  res.end(body);
}

function listen() {
  return new Promise((resolve, reject) => {
    const server = createServer({ keepAliveTimeout: 1000 }, handle);
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

const servers = await Promise.all(Array.from({ length: Number(hostCount) }, listen));
const ports = servers.map((server) => server.address().port);
let step = 0;

process.on("message", (message) => {
  if (message.cmd === "advance") {
    // `share` of the feeds (at least one), evenly spread, starting one further each time, so
    // successive passes change different feeds.
    const count = Math.max(1, Math.round(feeds.length * message.share));
    const every = Math.floor(feeds.length / count);
    const now = Date.now();
    step++;
    for (let j = 0; j < count; j++) {
      const feed = feeds[(j * every + step) % feeds.length];
      feed.version++;
      feed.items += message.items;
      // Last-Modified has one-second resolution: a new version must be a later second.
      feed.at = Math.max(now, feed.at + 1000);
    }
    const changed = count;
    process.send({ ok: true, changed });
  } else if (message.cmd === "stats") {
    process.send({ ok: true, ...counts });
    counts.requests = counts.notModified = counts.ok200 = 0;
  } else if (message.cmd === "close") {
    for (const server of servers) server.closeAllConnections();
    process.exit(0);
  }
});
process.on("disconnect", () => process.exit(0));
process.send({
  ready: true,
  urls: feeds.map((_, index) => `http://127.0.0.1:${ports[index % ports.length]}/f/${index}.xml`),
});
