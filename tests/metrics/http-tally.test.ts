import { Counter, Histogram, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { registerHttpTally } from "../../src/metrics/http-tally.js";

const BUCKETS = [0.001, 0.01, 0.1, 1];
const ROUTES = ["feed", "index", "websub"];

/** The same two metrics kept by prom-client's own classes, observed one call at a time: the reference. */
function byPromClient(registry: Registry): (route: string, status: number, seconds: number) => void {
  const requests = new Counter({
    name: "t_requests_total",
    help: "r",
    labelNames: ["route", "status"],
    registers: [registry],
  });
  const seconds = new Histogram({
    name: "t_seconds",
    help: "s",
    labelNames: ["route"],
    buckets: BUCKETS,
    registers: [registry],
  });
  for (const route of ROUTES) seconds.zero({ route });
  return (route, status, value) => {
    requests.inc({ route, status: String(status) });
    seconds.observe({ route }, value);
  };
}

function byTally(registry: Registry): (route: string, status: number, seconds: number) => void {
  const tally = registerHttpTally({
    counterName: "t_requests_total",
    counterHelp: "r",
    histogramName: "t_seconds",
    histogramHelp: "s",
    routes: ROUTES,
    buckets: BUCKETS,
    registers: [registry],
  });
  return (route, status, seconds) => tally.observe(route, status, seconds);
}

/** The text exposition's lines and the JSON form's values, each in a fixed order (series order carries no meaning). */
async function exposition(registry: Registry): Promise<{ lines: string[]; json: unknown[] }> {
  const lines = (await registry.metrics()).split("\n").sort();
  const json = (await registry.getMetricsAsJSON()).map((metric) => ({
    ...metric,
    values: metric.values
      .map((sample) => {
        // Histogram samples carry the name of their series (`_bucket`, `_sum`, `_count`).
        const { metricName, labels, value } = sample as typeof sample & { metricName?: string };
        return JSON.stringify([metricName, Object.entries(labels).sort(), value]);
      })
      .sort(),
  }));
  return { lines, json };
}

describe("registerHttpTally", () => {
  it("exposes exactly what prom-client's counter and histogram would, scrape after scrape", async () => {
    const reference = new Registry();
    const tallied = new Registry();
    const observers = [byPromClient(reference), byTally(tallied)];
    let seed = 20_261_203;
    const random = (): number => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647;
    // Values on each bound too: a bucket counts what is less than or equal to its bound.
    const values = [...BUCKETS, 0, 0.0004, 0.05, 0.5, 3];
    for (let scrape = 0; scrape < 4; scrape++) {
      for (let request = 0; request < 200; request++) {
        const route = ROUTES[Math.floor(random() * 2)] ?? "feed";
        const status = [200, 304, 404][Math.floor(random() * 3)] ?? 200;
        const seconds = values[Math.floor(random() * values.length)] ?? 0;
        for (const observe of observers) observe(route, status, seconds);
      }
      // A scrape with nothing new in between must not count anything twice.
      for (let again = 0; again < 2; again++) {
        expect(await exposition(tallied)).toEqual(await exposition(reference));
      }
    }
  });

  it("starts again from zero on registry.resetMetrics()", async () => {
    const registry = new Registry();
    const observe = byTally(registry);
    observe("feed", 200, 0.05);
    expect(await registry.metrics()).toContain('t_requests_total{route="feed",status="200"} 1');
    observe("feed", 200, 0.05); // not yet scraped when the reset comes
    registry.resetMetrics();
    observe("feed", 304, 0.5);
    const text = await registry.metrics();
    expect(text).not.toContain('status="200"');
    expect(text).toContain('t_requests_total{route="feed",status="304"} 1');
    expect(text).toContain('t_seconds_sum{route="feed"} 0.5');
    expect(text).toContain('t_seconds_count{route="feed"} 1');
  });

  it("leaves a non-finite duration out instead of poisoning the sum", async () => {
    const registry = new Registry();
    const observe = byTally(registry);
    observe("feed", 200, Number.NaN);
    observe("feed", 200, 0.25);
    const text = await registry.metrics();
    expect(text).toContain('t_seconds_sum{route="feed"} 0.25');
    expect(text).toContain('t_seconds_count{route="feed"} 1');
  });

  it("shows every route from the start, before its first request", async () => {
    const registry = new Registry();
    byTally(registry);
    const text = await registry.metrics();
    for (const route of ROUTES) expect(text).toContain(`t_seconds_count{route="${route}"} 0`);
  });
});
