import type { EpochMs } from "./item.js";

export type SourceKind = "feed" | "html-articles" | "html-ticker";
export const SOURCE_KINDS: readonly SourceKind[] = ["feed", "html-articles", "html-ticker"];

/** When a source runs: a fixed interval or a cron expression (node-cron syntax). */
export type Schedule = { readonly every: number /* ms */ } | { readonly cron: string };

export interface Selectors {
  readonly item?: string | undefined;
  readonly time?: string | undefined;
  readonly title?: string | undefined;
  readonly link?: string | undefined;
  readonly body?: string | undefined;
}

export interface Retention {
  /** Keep at most this many items per source (newest by published). */
  readonly maxItemsPerSource: number;
  /** Drop items published longer ago than this (ms). */
  readonly maxAgeMs: number;
}

export interface Source {
  /** Unique, stable slug: item ids and metrics use it. */
  readonly id: string;
  readonly kind: SourceKind;
  /** Absolute http(s): or file: URL (file: already resolved against CONFIG_DIR). */
  readonly url: string;
  readonly schedule: Schedule;
  /** Every item of this source gets these category slugs. */
  readonly categories: readonly string[];
  readonly enabled: boolean;
  /** IANA zone; required for html-ticker (local wall-clock times). */
  readonly timezone?: string | undefined;
  readonly select?: Selectors | undefined;
  /** html-articles: at most this many article pages fetched per pass. */
  readonly maxArticlesPerPass?: number | undefined;
  /** html-articles: re-fetch already stored article pages. */
  readonly refresh?: boolean | undefined;
  readonly retention: Retention;
}

/** What the store remembers about a source between passes. */
export interface SourceState {
  readonly sourceId: string;
  readonly lastRunAt?: EpochMs;
  readonly lastSuccessAt?: EpochMs;
  readonly lastError?: string;
  readonly lastErrorAt?: EpochMs;
  readonly consecutiveFailures: number;
  readonly itemsCollected: number;
  /** Upstream validators for conditional GET (RFC 9110 §13.1). */
  readonly etag?: string;
  readonly lastModified?: string;
  /** Do not fetch before this time (Retry-After or backoff). */
  readonly nextAttemptAt?: EpochMs;
  /** Warnings from the last run (a ticker line with a bad time, an article page that 404ed). */
  readonly warnings: readonly string[];
}
