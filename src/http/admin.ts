import { createHash, timingSafeEqual } from "node:crypto";
import { Router, type NextFunction, type Request, type Response } from "express";
import type { Logger } from "pino";
import { redactUrl } from "../net/redact-url.js";
import { HttpProblem, sendProblem } from "./problem.js";

/** What a reload did: applied (problems are then warnings only) or rejected (the errors). */
export interface AdminReloadOutcome {
  readonly ok: boolean;
  readonly problems: readonly string[];
}

export interface AdminDeps {
  /** The bearer token (ADMIN_TOKEN); undefined or empty turns every admin route off. */
  readonly token: string | undefined;
  /**
   * Start collecting one source now, ignoring backoff; undefined for an unknown id. It may
   * throw an HttpProblem to refuse, e.g. 503 on an instance that does not run the worker.
   */
  readonly refreshSource: (sourceId: string) => Promise<unknown> | undefined;
  /**
   * Delete the stored items of a source no longer in the config. It throws an HttpProblem to
   * refuse (409 while the source is still configured: its next pass would store them again).
   */
  readonly purgeSource: (sourceId: string) => Promise<{ readonly removed: number }>;
  /** Re-read the config files and apply them, or keep the last good config. */
  readonly reload: () => Promise<AdminReloadOutcome>;
  readonly logger: Logger;
}

/**
 * Admin actions for ops under `/admin/…`, behind a bearer token (RFC 6750 §2.1). Without a
 * token the routes do not exist: every admin path gets the same 404 as any unknown path.
 */
export function createAdminRoutes(deps: AdminDeps): Router {
  const router = Router();
  if (deps.token === undefined || deps.token === "") return router;
  const authorized = createTokenCheck(deps.token);
  const log = deps.logger.child({ module: "admin" });

  // Authentication comes first for every admin path, so an unauthenticated caller learns
  // nothing about which admin routes exist.
  router.use("/admin", (req: Request, res: Response, next: NextFunction) => {
    const token = bearerToken(req.headers.authorization);
    if (token !== undefined && authorized(token)) {
      next();
      return;
    }
    // A token sent by mistake as ?token=… must not land in the log (redact-url.ts masks it).
    log.warn(
      { path: redactUrl(req.originalUrl), presented: token !== undefined },
      "admin: request refused: missing or wrong token",
    );
    refuse(res, req.originalUrl, token !== undefined);
  });

  router.post("/admin/sources/:id/refresh", (req: Request<{ id: string }>, res: Response) => {
    const sourceId = req.params.id;
    let run: Promise<unknown> | undefined;
    try {
      run = deps.refreshSource(sourceId);
    } catch (error) {
      if (!(error instanceof HttpProblem)) throw error;
      sendProblem(res, error, req.originalUrl);
      return;
    }
    if (run === undefined) {
      sendProblem(
        res,
        new HttpProblem(404, "Unknown source", `No source has the id "${sourceId}".`, { source: sourceId }),
        req.originalUrl,
      );
      return;
    }
    // The run is not awaited (it may take as long as upstream does); its failure is the
    // source's own and shows on /status, this only keeps a rejection from going unhandled.
    run.catch((error: unknown) => log.error({ source: sourceId, err: error }, "admin: refresh failed"));
    log.info({ source: sourceId }, "admin: refresh requested");
    res.status(202).set("Cache-Control", "no-store").json({ accepted: true, source: sourceId });
  });
  router.all("/admin/sources/:id/refresh", methodNotAllowed);

  router.post("/admin/sources/:id/purge", async (req: Request<{ id: string }>, res: Response) => {
    const sourceId = req.params.id;
    let removed: number;
    try {
      ({ removed } = await deps.purgeSource(sourceId));
    } catch (error) {
      if (!(error instanceof HttpProblem)) throw error;
      sendProblem(res, error, req.originalUrl);
      return;
    }
    log.info({ source: sourceId, removed }, "admin: source purged");
    res.set("Cache-Control", "no-store").json({ source: sourceId, removed });
  });
  router.all("/admin/sources/:id/purge", methodNotAllowed);

  router.post("/admin/reload", async (req: Request, res: Response) => {
    const outcome = await deps.reload();
    log.info({ ok: outcome.ok, problems: outcome.problems.length }, "admin: config reload requested");
    if (!outcome.ok) {
      const detail = "The config files are not valid; the last good config stays in force.";
      sendProblem(
        res,
        new HttpProblem(422, "Config rejected", detail, { problems: outcome.problems }),
        req.originalUrl,
      );
      return;
    }
    res.set("Cache-Control", "no-store").json({ ok: true, problems: outcome.problems });
  });
  router.all("/admin/reload", methodNotAllowed);
  return router;
}

/**
 * Compares SHA-256 digests with timingSafeEqual: both sides always have the same length, so
 * neither the token's content nor its length leaks through the comparison's timing.
 */
export function createTokenCheck(token: string): (presented: string) => boolean {
  const expected = sha256(token);
  return (presented) => timingSafeEqual(sha256(presented), expected);
}

function sha256(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

/** The credentials of an `Authorization: Bearer …` header; the scheme is case-insensitive (RFC 9110 §11.1). */
function bearerToken(header: string | undefined): string | undefined {
  const match = /^bearer +(\S+) *$/i.exec(header ?? "");
  return match?.[1];
}

function refuse(res: Response, instance: string, presented: boolean): void {
  // RFC 6750 §3: a challenge on every 401; error="invalid_token" only when a token was sent (§3.1).
  res.set("WWW-Authenticate", presented ? 'Bearer realm="admin", error="invalid_token"' : 'Bearer realm="admin"');
  const detail = presented
    ? "The bearer token is not valid."
    : 'Admin actions need an "Authorization: Bearer <token>" header.';
  sendProblem(res, new HttpProblem(401, "Unauthorized", detail), instance);
}

function methodNotAllowed(req: Request, res: Response): void {
  res.set("Allow", "POST");
  sendProblem(res, new HttpProblem(405, "Method not allowed", "Admin actions are requested by POST."), req.originalUrl);
}
