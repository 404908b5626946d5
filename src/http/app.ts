import express, { type ErrorRequestHandler, type Express, type Request, type Response, type Router } from "express";
import type { Logger } from "pino";
import { ALL_SLUG, FEED_FORMATS, type Clock, type FeedFormat, type StoredItem } from "../model/index.js";
import type { FeedCatalog } from "../publish/feed-service.js";
import { listFeeds } from "../publish/feed-list.js";
import { INDEX_HEADLINES, renderIndexPage } from "../publish/index-page.js";
import { DEFAULT_OPML_FORMAT, renderOpml } from "../publish/opml.js";
import { browserTabContentType, FEED_STYLESHEET_FILE, isBrowserTab } from "../publish/feed-stylesheet.js";
import { serveFeedStylesheet } from "./stylesheet-route.js";
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
  app.get("/", async (_req, res) => {
    const catalog = deps.catalog();
    sendPage(
      res,
      "text/html; charset=utf-8",
      renderIndexPage(
        catalog,
        listFeeds(catalog, deps.baseUrl),
        deps.baseUrl,
        await newestHeadlines(deps.store, catalog),
      ),
    );
  });
  app.get("/feeds.opml", (req, res) => {
    const body = renderOpml(deps.catalog(), listFeeds(deps.catalog(), deps.baseUrl), deps.baseUrl, opmlFormat(req));
    const tab = isBrowserTab(req.headers["sec-fetch-dest"]);
    res.set("Vary", "Sec-Fetch-Dest");
    sendPage(res, (tab ? browserTabContentType(OPML_CONTENT_TYPE) : undefined) ?? OPML_CONTENT_TYPE, body);
  });
  app.get(`/${FEED_STYLESHEET_FILE}`, serveFeedStylesheet);
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

const OPML_CONTENT_TYPE = "text/x-opml; charset=utf-8";

/** Each category's and `all`'s newest stories, as their default feeds list them, for the index page. */
async function newestHeadlines(store: Store, catalog: FeedCatalog): Promise<Map<string, readonly StoredItem[]>> {
  const slugs = [...catalog.categories.map((category) => category.slug), ALL_SLUG];
  const pages = await Promise.all(
    slugs.map((slug) =>
      store.queryFeed({ categories: slug === ALL_SLUG ? [] : [slug], limit: INDEX_HEADLINES, page: 1 }),
    ),
  );
  return new Map(slugs.map((slug, index) => [slug, pages[index]?.items ?? []]));
}

/** `?format=rss|atom|json` picks the one format the OPML list subscribes to; a bad value is a 400 naming it. */
function opmlFormat(req: Request): FeedFormat {
  const format = req.query["format"];
  if (format === undefined) return DEFAULT_OPML_FORMAT;
  const known = FEED_FORMATS.find((candidate) => candidate === format);
  if (known === undefined) {
    throw new HttpProblem(400, "Bad request parameter", `format must be one of ${FEED_FORMATS.join(", ")}.`, {
      parameter: "format",
      allowed: FEED_FORMATS,
    });
  }
  return known;
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
