import type { Metric, Registry } from "prom-client";

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
  readonly statuses: Map<number, number>;
  readonly inBucket: Float64Array;
  sum: number;
  count: number;
}

/** One sample as a registry formats it: `metricName` names a histogram's `_bucket`, `_sum` and `_count` series. */
interface Sample {
  readonly labels: Readonly<Record<string, string | number>>;
  readonly value: number;
  readonly metricName?: string;
}

/**
 * A metric in prom-client's data form (what its classes' get() returns), computed from the
 * tallies at each scrape. A registry takes any metric that answers get() and reset();
 * prom-client's own AggregatorRegistry registers its merged metrics so. Its types admit only
 * its classes, hence the one cast, in registerHttpTally.
 */
interface TalliedMetric {
  readonly name: string;
  readonly help: string;
  readonly type: "counter" | "histogram";
  readonly aggregator: "sum";
  get(): Promise<Omit<TalliedMetric, "get" | "reset"> & { readonly values: Sample[] }>;
  /** registry.resetMetrics(): counts start again from zero (prom-client's series would vanish until their next event; these stay at 0). */
  reset(): void;
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

  const metrics = [
    tallied(options.counterName, options.counterHelp, "counter", {
      samples: (route, tally) =>
        [...tally.statuses].map(([status, count]) => ({ labels: { route, status: String(status) }, value: count })),
      reset: (tally) => tally.statuses.clear(),
    }),
    tallied(options.histogramName, options.histogramHelp, "histogram", {
      samples: (route, tally) => histogramSamples(options.histogramName, buckets, route, tally),
      reset: (tally) => {
        tally.inBucket.fill(0);
        tally.sum = 0;
        tally.count = 0;
      },
    }),
  ];
  for (const registry of options.registers) {
    for (const metric of metrics) registry.registerMetric(metric as unknown as Metric);
  }

  function tallied(
    name: string,
    help: string,
    type: TalliedMetric["type"],
    parts: {
      readonly samples: (route: string, tally: RouteTally) => Sample[];
      readonly reset: (tally: RouteTally) => void;
    },
  ): TalliedMetric {
    const header = { name, help, type, aggregator: "sum" } as const;
    return {
      ...header,
      get: () =>
        Promise.resolve({ ...header, values: [...tallies].flatMap(([route, tally]) => parts.samples(route, tally)) }),
      reset: () => tallies.forEach(parts.reset),
    };
  }

  return {
    observe(route, status, seconds) {
      // prom-client refuses a non-finite duration (by throwing); here it is not counted at all,
      // rather than turning the sum into NaN for good.
      if (!Number.isFinite(seconds)) return;
      const tally = tallyOf(route);
      tally.statuses.set(status, (tally.statuses.get(status) ?? 0) + 1);
      let bucket = 0;
      while (bucket < buckets.length && seconds > (buckets[bucket] ?? Infinity)) bucket++;
      tally.inBucket[bucket] = (tally.inBucket[bucket] ?? 0) + 1;
      tally.sum += seconds;
      tally.count++;
    },
  };
}

/** Laid out as prom-client's Histogram lays out its own: a cumulative `_bucket` per bound (`le` first), `+Inf`, `_sum`, `_count`. */
function histogramSamples(name: string, bounds: readonly number[], route: string, tally: RouteTally): Sample[] {
  let cumulative = 0;
  const samples: Sample[] = bounds.map((bound, index) => {
    cumulative += tally.inBucket[index] ?? 0;
    return { labels: { le: bound, route }, value: cumulative, metricName: `${name}_bucket` };
  });
  samples.push(
    { labels: { le: "+Inf", route }, value: tally.count, metricName: `${name}_bucket` },
    { labels: { route }, value: tally.sum, metricName: `${name}_sum` },
    { labels: { route }, value: tally.count, metricName: `${name}_count` },
  );
  return samples;
}
