/**
 * A node:http server on 127.0.0.1 (port 0) serving tests/fixtures/html/ plus the bad answers the
 * html-ticker and html-articles tests need. Tests never touch the internet.
 */
import { createServer } from "node:http";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { AddressInfo } from "node:net";

export const FIXTURES = path.resolve(import.meta.dirname, "../fixtures/html");

export type Route =
  | { readonly fixture: string; readonly contentType?: string; readonly etag?: string }
  | { readonly status: number; readonly body: string }
  /** Accepts the request and never answers: the client's timeout must end it. */
  | { readonly hang: true }
  /** Streams this many bytes of HTML without a Content-Length, so only the client's byte cap stops it. */
  | { readonly hugeBytes: number };

export interface FixtureServer {
  readonly origin: string;
  /** Paths requested so far, in order. */
  readonly requests: string[];
  /** The request headers of each of `requests`, in the same order. */
  readonly headers: IncomingHttpHeaders[];
  close(): Promise<void>;
}

export async function serveFixtures(routes: Readonly<Record<string, Route>>): Promise<FixtureServer> {
  const requests: string[] = [];
  const headers: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    const pathname = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    requests.push(pathname);
    headers.push(req.headers);
    answer(routes[pathname], req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    headers,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

function answer(route: Route | undefined, req: IncomingMessage, res: ServerResponse): void {
  res.on("error", () => undefined); // the client may hang up mid-body (byte cap, timeout)
  if (route === undefined) {
    res.writeHead(404, { "content-type": "text/html; charset=utf-8" }).end("<h1>Not found</h1>");
  } else if ("hang" in route) {
    // Leave the request open.
  } else if ("hugeBytes" in route) {
    streamHuge(route.hugeBytes, res);
  } else if ("status" in route) {
    res.writeHead(route.status, { "content-type": "text/html; charset=utf-8" }).end(route.body);
  } else if (route.etag !== undefined && req.headers["if-none-match"] === route.etag) {
    res.writeHead(304, { etag: route.etag }).end();
  } else {
    res
      .writeHead(200, {
        "content-type": route.contentType ?? "text/html; charset=utf-8",
        ...(route.etag !== undefined && { etag: route.etag }),
      })
      .end(readFileSync(path.join(FIXTURES, route.fixture)));
  }
}

function streamHuge(total: number, res: ServerResponse): void {
  const chunk = Buffer.from(`<p>${"filler text ".repeat(5000)}</p>\n`);
  res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
  res.write("<!DOCTYPE html><html><body>");
  let sent = 0;
  const pump = (): void => {
    while (sent < total && !res.destroyed) {
      sent += chunk.length;
      if (!res.write(chunk)) {
        res.once("drain", pump);
        return;
      }
    }
    if (!res.destroyed) res.end("</body></html>");
  };
  pump();
}
