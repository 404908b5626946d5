import type { ServerResponse } from "node:http";

/**
 * An HTTP error answered as `application/problem+json` (RFC 9457). `extra` carries members
 * that help the caller fix the request, e.g. the feeds or values that do exist.
 */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly extra: Readonly<Record<string, unknown>> = {},
  ) {
    super(`http: ${status} ${title}: ${detail}`);
    this.name = "HttpProblem";
  }
}

export function sendProblem(res: ServerResponse, problem: HttpProblem, instance?: string): void {
  const body = JSON.stringify({
    type: "about:blank",
    title: problem.title,
    status: problem.status,
    detail: problem.detail,
    ...(instance ? { instance } : {}),
    ...problem.extra,
  });
  res.writeHead(problem.status, {
    "Content-Type": "application/problem+json; charset=utf-8",
    "Content-Length": Buffer.byteLength(body),
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
  });
  res.end(res.req.method === "HEAD" ? undefined : body);
}
