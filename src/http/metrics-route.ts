import { Router } from "express";
import { HttpProblem } from "./problem.js";

export interface MetricsExposition {
  exposition(): Promise<{ readonly contentType: string; readonly body: string }>;
}

/** `GET /metrics`: every metric in the Prometheus text exposition format, never cached. */
export function createMetricsRoute(metrics: MetricsExposition): Router {
  const router = Router();
  router.get("/metrics", async (_req, res) => {
    const { contentType, body } = await metrics.exposition().catch((error: unknown) => {
      // Several processes and one did not answer: a failed scrape is a gap Prometheus shows,
      // where one process's numbers alone would read as counter resets.
      throw new HttpProblem(503, "Metrics unavailable", error instanceof Error ? error.message : String(error));
    });
    res.set({ "Content-Type": contentType, "Cache-Control": "no-store" }).send(body);
  });
  return router;
}
