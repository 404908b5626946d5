import { Router } from "express";

export interface MetricsExposition {
  exposition(): Promise<{ readonly contentType: string; readonly body: string }>;
}

/** `GET /metrics`: every metric in the Prometheus text exposition format, never cached. */
export function createMetricsRoute(metrics: MetricsExposition): Router {
  const router = Router();
  router.get("/metrics", async (_req, res) => {
    const { contentType, body } = await metrics.exposition();
    res.set({ "Content-Type": contentType, "Cache-Control": "no-store" }).send(body);
  });
  return router;
}
