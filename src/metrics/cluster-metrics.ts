import { AggregatorRegistry } from "prom-client";

/**
 * One process's metrics as data (`Registry.getMetricsAsJSON()`), the form that crosses the
 * cluster's IPC channel.
 */
export type MetricsPart = readonly object[];

/**
 * The exposition of every serving process at once (issue 12): counters and histograms summed,
 * gauges by the aggregator each declares (metrics.ts). A scrape that reached one process would
 * otherwise see its counters jump between processes' values, which rate() reads as resets.
 */
export function aggregateMetrics(parts: readonly MetricsPart[]): Promise<{ contentType: string; body: string }> {
  const registry = AggregatorRegistry.aggregate(parts.map((part) => [...part]));
  return registry.metrics().then((body) => ({ contentType: registry.contentType, body }));
}
