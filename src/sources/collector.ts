import type { Clock, CollectedItem, Source, SourceState } from "../model/index.js";
import type { FetchOptions } from "./fetch.js";
import type { Parse } from "./parse-jobs.js";

/** What a source kind needs from the outside world for one pass. */
export interface CollectContext {
  readonly clock: Clock;
  /** Fetch limits and identity (User-Agent); validators are added per request. */
  readonly fetchOptions: FetchOptions;
  /** What the store remembered from the previous pass (validators for conditional GET). */
  readonly previous?: SourceState | undefined;
  /** Which of these ids (or item aliases, see CollectedItem.aliases) the store already holds: html-articles skips known pages. */
  readonly knownIds: (ids: readonly string[]) => Promise<ReadonlySet<string>>;
  /**
   * Requests at once to one upstream host inside this pass (config `worker.per_host`, default 1):
   * the worker's limit counts a source as one request, but html-articles makes many.
   */
  readonly perHost?: number;
  readonly signal?: AbortSignal | undefined;
  /**
   * Where fetched documents are parsed (parse-jobs.ts): the service's parse pool, so parsing
   * never holds the thread that serves requests. Absent: on this thread.
   */
  readonly parse?: Parse;
}

/** The result of one pass over one source. Throwing means the whole source failed. */
export interface CollectOutcome {
  readonly items: readonly CollectedItem[];
  /** Non-fatal problems, shown on the source's status. */
  readonly warnings: readonly string[];
  /** Upstream answered 304: nothing new, keep everything. */
  readonly notModified: boolean;
  /** Upstream validators to send next time. */
  readonly etag?: string;
  readonly lastModified?: string;
}

export type Collector = (source: Source, ctx: CollectContext) => Promise<CollectOutcome>;
