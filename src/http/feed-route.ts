import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import { redactUrl } from "../net/redact-url.js";
import type { FeedAnswer, FeedResponder } from "./feed-responder.js";
import { HttpProblem, sendProblem } from "./problem.js";
import { routeLabel, type HttpObserver } from "./route-label.js";

const FEEDS_PATH = /^\/feeds(?:\/|$)/i;
const ABSOLUTE_FORM = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i;

/**
 * Whether node:http hands a request to the feed path: `/feeds/…` (all feed polls), and what the
 * Express mount `app.use("/feeds")` used to send there as well, which still answers the feed
 * 404 listing every feed rather than the site's: `/feeds` itself, any case, absolute-form targets.
 */
export function isFeedTarget(url: string): boolean {
  if (url.startsWith("/feeds/")) return true;
  const path = url.replace(ABSOLUTE_FORM, "");
  const query = path.indexOf("?");
  return FEEDS_PATH.test(query === -1 ? path : path.slice(0, query));
}

/**
 * The plain node:http path to the feed responder: requests the fast lane leaves (another method,
 * a bad URL, an unusual head, a failed render) and every feed request on a server without the
 * lane. A cached feed is answered synchronously and observed at once, sparing the commonest
 * answer a `finish` listener; only a render waits.
 */
export function serveFeed(
  req: IncomingMessage,
  res: ServerResponse,
  responder: FeedResponder,
  logger: Logger,
  observe: HttpObserver | undefined,
): void {
  const startedAt = observe ? process.hrtime.bigint() : 0n;
  const target = req.url ?? "/";
  const observed = (): void =>
    observe?.(routeLabel(target), res.statusCode, Number(process.hrtime.bigint() - startedAt) / 1e9);
  const method = req.method;
  if (method !== "GET" && method !== "HEAD") {
    res.setHeader("Allow", "GET, HEAD");
    sendProblem(res, new HttpProblem(405, "Method not allowed", "Feeds answer GET and HEAD."));
    observed();
    return;
  }
  try {
    const answer = responder.respond({
      method,
      target,
      acceptEncoding: req.headers["accept-encoding"],
      ifNoneMatch: req.headers["if-none-match"],
      ifModifiedSince: req.headers["if-modified-since"],
      secFetchDest: req.headers["sec-fetch-dest"],
    });
    if (answer instanceof Promise) {
      if (observe) res.once("finish", observed);
      answer.then(
        (ready) => write(res, ready),
        (error: unknown) => fail(req, res, error, logger),
      );
      return;
    }
    if (answer instanceof HttpProblem) sendProblem(res, answer, target);
    else write(res, answer);
  } catch (error) {
    fail(req, res, error, logger);
  }
  observed();
}

function write(res: ServerResponse, answer: FeedAnswer): void {
  res.writeHead(answer.status, answer.fields);
  res.end(answer.body);
}

function fail(req: IncomingMessage, res: ServerResponse, error: unknown, logger: Logger): void {
  logger.error({ err: error, url: redactUrl(req.url ?? "") }, "feed request failed");
  if (res.headersSent) res.destroy();
  else
    sendProblem(
      res,
      new HttpProblem(500, "Internal server error", "The feed could not be rendered; it has been logged."),
      req.url,
    );
}
