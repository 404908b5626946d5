import express, { type ErrorRequestHandler, type Express, type Request, type Response, type Router } from "express";
import type { Logger } from "pino";
import type { Clock } from "../model/index.js";
import type { FeedCatalog } from "../publish/feed-service.js";
import { listFeeds } from "../publish/feed-list.js";
import { renderIndexPage } from "../publish/index-page.js";
import { renderOpml } from "../publish/opml.js";
import type { Store } from "../store/store.js";
import { redactUrl } from "../net/redact-url.js";
import { HttpProblem, sendProblem } from "./problem.js";
import { createStatusRoutes, type StatusSource } from "./status.js";

export interface AppDeps {
  readonly store: Store;
  readonly catalog: () => FeedCatalog;
  readonly baseUrl: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly status: StatusSource;
  /** The WebSub hub's routes (POST /websub), when the hub runs on this instance. */
  readonly websub?: Router;
  /** `GET /metrics` (see metrics-route.ts); absent, the path answers 404. */
  readonly metrics?: Router;
  /** `/admin/…` (see admin.ts); absent, every admin path answers 404. */
  readonly admin?: Router;
}

/** The Express application: every route but the feeds, which server.ts sends to the feed responder. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);

  app.get("/healthz", (_req, res) => {
    res.type("application/json").set("Cache-Control", "no-store").send('{"status":"ok"}');
  });
  app.get("/", (_req, res) =>
    sendPage(
      res,
      "text/html; charset=utf-8",
      renderIndexPage(deps.catalog(), listFeeds(deps.catalog(), deps.baseUrl), deps.baseUrl),
    ),
  );
  app.get("/feeds.opml", (_req, res) =>
    sendPage(
      res,
      "text/x-opml; charset=utf-8",
      renderOpml(deps.catalog(), listFeeds(deps.catalog(), deps.baseUrl), deps.baseUrl),
    ),
  );
  if (deps.websub) app.use(deps.websub);
  app.use(createStatusRoutes(deps.status));
  if (deps.metrics) app.use(deps.metrics);
  if (deps.admin) app.use(deps.admin);
  app.use((req: Request, res: Response) => {
    sendProblem(
      res,
      new HttpProblem(404, "Not found", `Nothing is served at ${req.path}.`, { see: `${deps.baseUrl}/` }),
      req.originalUrl,
    );
  });
  app.use(errorHandler(deps.logger));
  return app;
}

function sendPage(res: Response, contentType: string, body: string): void {
  res.set({ "Content-Type": contentType, "Cache-Control": "public, max-age=60" }).send(body);
}

function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    if (error instanceof HttpProblem) {
      sendProblem(res, error, req.originalUrl);
      return;
    }
    const status =
      typeof error === "object" &&
      error !== null &&
      "status" in error &&
      typeof error.status === "number" &&
      error.status >= 400 &&
      error.status < 500
        ? error.status
        : 500;
    if (status === 500) logger.error({ err: error, url: redactUrl(req.originalUrl) }, "request failed");
    const detail =
      status === 500
        ? "The server could not answer this request; it has been logged."
        : error instanceof Error
          ? error.message
          : "Bad request.";
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendProblem(
      res,
      new HttpProblem(status, status === 500 ? "Internal server error" : "Bad request", detail),
      req.originalUrl,
    );
  };
}
