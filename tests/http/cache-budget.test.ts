/**
 * Issue 9 point 3 on loopback: anonymous requests naming distinct variants (`limit`, `page`,
 * format) may not grow the render cache past its byte budget; the least recently used variants go
 * first, and every request is still answered.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./test-server.js";

const BUDGET = 40_000;

describe("render cache byte budget over HTTP", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
    server.feeds.cache.setLimits({ maxBytes: BUDGET });
  });
  afterAll(() => server.close());

  it("keeps the cache within its budget under 300 distinct GETs, evicting the least recently used", async () => {
    const formats = ["rss", "atom", "json"];
    for (let i = 0; i < 300; i++) {
      const response = await fetch(`${server.origin}/feeds/world.${formats[i % 3]}?limit=${1 + Math.floor(i / 3)}`, {
        headers: { "accept-encoding": "gzip, br" },
      });
      expect(response.status).toBe(200);
      await response.arrayBuffer();
      expect(server.feeds.cache.stats().bytes).toBeLessThanOrEqual(BUDGET);
    }
    const { entries, evictions } = server.feeds.cache.stats();
    expect(entries).toBeGreaterThan(0);
    expect(entries + evictions).toBe(300);
    // The newest variants are the ones kept.
    const newest = await fetch(`${server.origin}/feeds/world.json?limit=100`);
    await newest.arrayBuffer();
    expect(server.feeds.cache.stats()).toMatchObject({ entries, evictions, misses: 300 });
  });
});
