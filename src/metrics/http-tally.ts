import { Counter, type Histogram, type LabelValues, type Metric, type Registry } from "prom-client";

/**
 * Answered HTTP requests, counted in plain numbers on the request path and handed to prom-client
 * only when scraped. prom-client's labelled `inc` and `observe` check and hash their labels on every
 * call: about 3 µs of CPU a request, an eighth of what a cached feed poll costs in all (bench/,
 * 2026-12-03). The exposition is the same as prom-client's own counter and histogram.
 */
export interface HttpTally {
  observe(route: string, status: number, seconds: number): void;
}

export interface HttpTallyOptions {
  readonly counterName: string;
  readonly counterHelp: string;
  readonly histogramName: string;
  readonly histogramHelp: string;
  /** Every route, each shown from the start (a 0 that rate() and alerts can see). */
  readonly routes: readonly string[];
  /** Upper bounds of the duration buckets, in seconds, ascending. */
  readonly buckets: readonly number[];
  readonly registers: Registry[];
}

/** One route's requests: counts by status, and durations per bucket (not cumulative; the last is past every bound). */
interface RouteTally {
  readonly statuses: Map<number, StatusTally>;
  readonly inBucket: Float64Array;
  sum: number;
  count: number;
}

interface StatusTally {
  count: number;
  /** What the counter has been told so far. */
  reported: number;
}

export function registerHttpTally(options: HttpTallyOptions): HttpTally {
  const { buckets, routes } = options;
  const tallies = new Map<string, RouteTally>();
  const tallyOf = (route: string): RouteTally => {
    let tally = tallies.get(route);
    if (!tally) {
      tally = { statuses: new Map(), inBucket: new Float64Array(buckets.length + 1), sum: 0, count: 0 };
      tallies.set(route, tally);
    }
    return tally;
  };
  for (const route of routes) tallyOf(route);

  new Counter({
    name: options.counterName,
    help: options.counterHelp,
    labelNames: ["route", "status"] as const,
    registers: options.registers,
    // Runs before each scrape reads the counter: it catches up with the requests since the last.
    collect() {
      for (const [route, tally] of tallies) {
        for (const [status, counted] of tally.statuses) {
          if (counted.count === counted.reported) continue;
          this.inc({ route, status: String(status) }, counted.count - counted.reported);
          counted.reported = counted.count;
        }
      }
    },
  });
  const histogram = talliedHistogram(options.histogramName, options.histogramHelp, tallies, buckets);
  for (const registry of options.registers) registry.registerMetric(histogram);

  return {
    observe(route, status, seconds) {
      // prom-client refuses a non-finite duration (by throwing); here it is not counted at all,
      // rather than turning the sum into NaN for good.
      if (!Number.isFinite(seconds)) return;
      const tally = tallyOf(route);
      const counted = tally.statuses.get(status);
      if (counted) counted.count++;
      else tally.statuses.set(status, { count: 1, reported: 0 });
      let bucket = 0;
      while (bucket < buckets.length && seconds > (buckets[bucket] ?? Infinity)) bucket++;
      tally.inBucket[bucket] = (tally.inBucket[bucket] ?? 0) + 1;
      tally.sum += seconds;
      tally.count++;
    },
  };
}

/**
 * A histogram in prom-client's data form (what Histogram#get returns, a `_bucket` per bound
 * counted cumulatively, then `+Inf`, `_sum` and `_count` per route) computed from the tallies at
 * each scrape. A registry takes any metric that answers `get()` with that form; prom-client's
 * own AggregatorRegistry registers its merged metrics so. Its types know only its classes, hence
 * the one cast.
 */
function talliedHistogram(
  name: string,
  help: string,
  tallies: ReadonlyMap<string, RouteTally>,
  bounds: readonly number[],
): Metric {
  type Data = Awaited<ReturnType<Histogram<"route">["get"]>>;
  const metric = {
    name,
    help,
    type: "histogram",
    aggregator: "sum",
    /**
     * registry.resetMetrics(), which also resets the counter: every count starts again from zero
     * (the series stay, at 0, where prom-client's would vanish until their next event).
     */
    reset(): void {
      for (const tally of tallies.values()) {
        tally.statuses.clear();
        tally.inBucket.fill(0);
        tally.sum = 0;
        tally.count = 0;
      }
    },
    get(): Promise<Pick<Data, "values"> & Record<"name" | "help" | "type" | "aggregator", string>> {
      const values: Data["values"] = [];
      for (const [route, tally] of tallies) {
        let cumulative = 0;
        bounds.forEach((bound, index) => {
          cumulative += tally.inBucket[index] ?? 0;
          values.push({ labels: withBound(route, bound), value: cumulative, metricName: `${name}_bucket` });
        });
        values.push(
          { labels: withBound(route, "+Inf"), value: tally.count, metricName: `${name}_bucket` },
          { labels: { route }, value: tally.sum, metricName: `${name}_sum` },
          { labels: { route }, value: tally.count, metricName: `${name}_count` },
        );
      }
      return Promise.resolve({ name, help, type: "histogram", aggregator: "sum", values });
    },
  };
  return metric as unknown as Metric;
}

/** A bucket's labels: prom-client's types know only the declared label names, though every histogram adds `le`. */
function withBound(route: string, bound: number | string): LabelValues<"route"> {
  const labels: LabelValues<"route" | "le"> = { le: bound, route };
  return labels;
}
