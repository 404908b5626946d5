import { Router } from "express";
import type { RunOutcome } from "../store/store.js";
import { renderStatusPage } from "./status-page.js";

export interface SourceStatus {
  readonly id: string;
  readonly kind: string;
  readonly url: string;
  /** "every 600s" or "cron …" (kept for existing consumers; see scheduleAsWritten). */
  readonly schedule: string;
  /** The schedule in the config's own spelling: `10m`, or the cron expression. */
  readonly scheduleAsWritten: string;
  readonly enabled: boolean;
  readonly state: "ok" | "failing" | "pending" | "disabled";
  readonly running: boolean;
  readonly lastRunAt?: string | undefined;
  readonly lastSuccessAt?: string | undefined;
  readonly lastError?: string | undefined;
  readonly lastErrorAt?: string | undefined;
  readonly consecutiveFailures: number;
  readonly nextRunAt?: string | undefined;
  readonly itemsCollected: number;
  readonly warnings: readonly string[];
  /** The source's newest runs, newest first (the store keeps a bounded history). */
  readonly recentRuns: ReadonlyArray<{
    readonly finishedAt: string;
    readonly outcome: RunOutcome;
    readonly inserted: number;
    readonly updated: number;
  }>;
}

export interface CategoryStatus {
  readonly slug: string;
  readonly title: string;
  readonly items: number;
  readonly newestItemAt?: string | undefined;
  /** Stories published per UTC day (`YYYY-MM-DD`), oldest first, days without any as 0. */
  readonly perDay: ReadonlyArray<{ readonly day: string; readonly count: number }>;
}

/** One process of a `serve` with several (WEB_CONCURRENCY > 1). */
export interface ProcessStatus {
  readonly pid: number;
  /** The collector runs the worker, WebSub deliveries and the FEEDS_DIR snapshot; servers only serve. */
  readonly role: "collector" | "server";
  readonly startedAt: string;
  readonly rssBytes?: number;
  /** How many times a process in this slot was forked again after it died. */
  readonly restarts: number;
}

export interface StatusReport {
  readonly generatedAt: string;
  readonly worker: { readonly leader: boolean };
  /** Present when several processes serve: the one that answered, and all of them. */
  readonly processes?: { readonly answeredBy: number; readonly list: readonly ProcessStatus[] };
  /** The IANA tz database release wall-clock times are read with (e.g. "2026f"). */
  readonly timeZoneData: { readonly version: string };
  readonly config: {
    readonly loadedAt?: string | undefined;
    readonly sources: number;
    readonly categories: number;
    readonly warnings: readonly string[];
    readonly rejected?: { readonly at: string; readonly problems: readonly string[] };
    /** What the last reclassification of stored items (after a rules edit) moved in and out of each category. */
    readonly reclassified?: {
      readonly at: string;
      readonly reason: string;
      readonly examined: number;
      readonly changed: number;
      readonly moves: ReadonlyArray<{ readonly slug: string; readonly entered: number; readonly left: number }>;
    };
  };
  readonly sources: readonly SourceStatus[];
  readonly categories: readonly CategoryStatus[];
}

export type StatusSource = () => Promise<StatusReport>;

/** `/status.json` for machines and `/status` for people; both uncached: they are for now. */
export function createStatusRoutes(status: StatusSource): Router {
  const router = Router();
  router.get("/status.json", async (_req, res) => {
    res.set("Cache-Control", "no-store").json(await status());
  });
  router.get("/status", async (_req, res) => {
    res
      .set({ "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" })
      .send(renderStatusPage(await status()));
  });
  return router;
}
