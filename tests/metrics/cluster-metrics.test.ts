/**
 * One scrape for several processes (issue 12): counters add up, the leader gauge adds up to the
 * one process that leads, and the per-source gauges (read from the shared store by every
 * process) are not multiplied by the number of processes.
 */
import { describe, expect, it } from "vitest";
import { aggregateMetrics } from "../../src/metrics/cluster-metrics.js";
import { createMetrics } from "../../src/metrics/metrics.js";

const line = (body: string, prefix: string): string | undefined =>
  body.split("\n").find((text) => text.startsWith(prefix));

describe("aggregateMetrics", () => {
  it("sums counters and the leader gauge, and keeps store-read gauges at one process's value", async () => {
    const processes = [createMetrics(), createMetrics()];
    for (const [index, metrics] of processes.entries()) {
      metrics.setLeader(index === 0);
      for (let request = 0; request <= index; request++) metrics.observeHttp("feed", 200, 0.001);
      metrics.watchSources(async () => [
        { sourceId: "wire", lastSuccessAt: 1_800_000_000_000, consecutiveFailures: 2 },
      ]);
    }
    const { body, contentType } = await aggregateMetrics(await Promise.all(processes.map((metrics) => metrics.part())));
    expect(contentType).toMatch(/^text\/plain/);
    expect(line(body, 'feeds_http_requests_total{route="feed",status="200"}')).toBe(
      'feeds_http_requests_total{route="feed",status="200"} 3',
    );
    expect(line(body, "feeds_worker_leader")).toBe("feeds_worker_leader 1");
    expect(line(body, 'feeds_source_consecutive_failures{source="wire"}')).toBe(
      'feeds_source_consecutive_failures{source="wire"} 2',
    );
    expect(line(body, 'feeds_source_last_success_timestamp_seconds{source="wire"}')).toBe(
      'feeds_source_last_success_timestamp_seconds{source="wire"} 1800000000',
    );
  });

  it("reads the store again at each scrape (bug: a cached read would freeze the source gauges)", async () => {
    const metrics = createMetrics();
    let failures = 0;
    metrics.watchSources(async () => [{ sourceId: "wire", consecutiveFailures: failures }]);
    await metrics.part();
    failures = 4;
    const { body } = await aggregateMetrics([await metrics.part()]);
    expect(line(body, 'feeds_source_consecutive_failures{source="wire"}')).toBe(
      'feeds_source_consecutive_failures{source="wire"} 4',
    );
  });
});
