import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Express } from "express";
import type { Logger } from "pino";
import type { Clock } from "../model/index.js";
import { installFastLane } from "./fast-lane/fast-lane.js";
import type { FeedResponder } from "./feed-responder.js";
import { isFeedTarget, serveFeed } from "./feed-route.js";
import { HttpProblem } from "./problem.js";
import { routeLabel, type HttpObserver } from "./route-label.js";

export type { HttpObserver } from "./route-label.js";

/** node:http's connection timers (its options of the same names), which the fast lane follows too. */
export interface HttpTimeouts {
  /** Idle time allowed between requests; advertised in `Keep-Alive: timeout=`. */
  readonly keepAliveTimeout: number;
  /** Time allowed for a request head to arrive whole; then 408 (slow-loris guard). */
  readonly headersTimeout: number;
  /** Time allowed for a whole request; then 408. */
  readonly requestTimeout: number;
  /** How often node:http looks for connections past headersTimeout / requestTimeout. */
  readonly connectionsCheckingInterval: number;
}

/**
 * Keep-alive outlasts the 60 s idle timeout of common load balancers, so they, not we, close an
 * idle connection (no request races our close); a head may take a little longer still. The rest
 * are node:http's own defaults.
 */
const DEFAULT_TIMEOUTS: HttpTimeouts = {
  keepAliveTimeout: 65_000,
  headersTimeout: 66_000,
  requestTimeout: 300_000,
  connectionsCheckingInterval: 30_000,
};

export interface HttpServerOptions {
  readonly observe?: HttpObserver;
  readonly timeouts?: Partial<HttpTimeouts>;
  /**
   * false: plain node:http answers every request (the reference the fast lane is tested
   * against, tests/http/differential.test.ts). Default true.
   */
  readonly fastLane?: boolean;
}

/**
 * The HTTP server. Feed polls are answered by the fast lane on the socket (fast-lane/), after a
 * render when the feed changed; feed requests it leaves (errors, unusual requests) go straight
 * to the same feed responder on plain node:http (feed-route.ts, about 5x Express's throughput
 * for cached bytes); every other route goes through the Express app. With `observe`, a request
 * the lane does not answer costs one `finish` listener and two clock reads more; without it,
 * nothing.
 */
export function createHttpServer(
  app: Express,
  feeds: FeedResponder,
  logger: Logger,
  clock: Clock,
  options: HttpServerOptions = {},
): Server {
  const { observe } = options;
  const server = createServer({ ...DEFAULT_TIMEOUTS, ...options.timeouts }, (req, res) => {
    const url = req.url ?? "/";
    if (isFeedTarget(url)) {
      serveFeed(req, res, feeds, logger, observe);
      return;
    }
    if (observe) watch(req, res, observe);
    app(req, res);
  });
  if (options.fastLane === false) return server;
  installFastLane(server, {
    answer: (request) => {
      // Other routes are Express's: not worth a parse, nor a place among parsed feed URLs.
      if (!request.target.startsWith("/feeds/")) return undefined;
      const answer = feeds.respond(request);
      // A problem (404, 400) is node:http's to answer, with the rest of the connection.
      return answer instanceof HttpProblem ? undefined : answer;
    },
    clock,
    ...(observe && { observe: (status: number, seconds: number) => observe("feed", status, seconds) }),
    failed: (error) => logger.warn({ err: error }, "fast lane could not answer a feed request; node:http takes it"),
  });
  return server;
}

/**
 * Reports the request once its response is finished. The route is read now, before Express
 * rewrites `req.url` under mount paths. A response cut short by the client never finishes
 * and is not counted: it has no status worth reporting.
 */
function watch(req: IncomingMessage, res: ServerResponse, observe: HttpObserver): void {
  const startedAt = process.hrtime.bigint();
  const route = routeLabel(req.url ?? "/");
  res.once("finish", () => observe(route, res.statusCode, Number(process.hrtime.bigint() - startedAt) / 1e9));
}
