import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";
import type { LookupFunction } from "node:net";
import type { CallbackGuard, ResolvedAddress } from "./callback-guard.js";

export interface CallbackRequest {
  readonly method: "GET" | "POST";
  readonly url: URL;
  readonly headers?: OutgoingHttpHeaders;
  readonly body?: Buffer;
}

export interface CallbackResponse {
  readonly status: number;
  /** At most `maxResponseBytes` of the body; the rest is never read. */
  readonly body: Buffer;
}

export interface CallbackClientOptions {
  readonly guard: CallbackGuard;
  readonly userAgent: string;
  /** Whole exchange, connect to last byte read. */
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
}

/** One request to a subscriber's callback; rejects with CallbackRequestError or CallbackRefused. */
export type CallbackClient = (request: CallbackRequest) => Promise<CallbackResponse>;

export class CallbackRequestError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(`websub: ${message}`, options);
    this.name = "CallbackRequestError";
  }
}

/**
 * Requests to subscriber callbacks, made so the hub cannot be steered into the network it runs
 * in: the host is resolved and checked right before every request and the connection is pinned
 * to the checked address (a second DNS answer cannot rebind it); redirects are not followed
 * (node:http never does; a 3xx is just a failure); the exchange has a deadline and the response
 * body is read only up to a small cap.
 */
export function createCallbackClient(options: CallbackClientOptions): CallbackClient {
  return async (request) => {
    const target = await options.guard.check(request.url);
    return exchange(request, target, options);
  };
}

function exchange(
  request: CallbackRequest,
  target: ResolvedAddress,
  options: CallbackClientOptions,
): Promise<CallbackResponse> {
  const send = request.url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = send(request.url, {
      method: request.method,
      headers: {
        "User-Agent": options.userAgent,
        ...request.headers,
        ...(request.body === undefined ? {} : { "Content-Length": String(request.body.length) }),
      },
      lookup: pinnedLookup(target),
      agent: false,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    outgoing.on("error", (cause) => {
      reject(new CallbackRequestError(`${request.method} ${request.url.origin} failed: ${cause.message}`, { cause }));
    });
    outgoing.on("response", (response) => {
      readCapped(response, options.maxResponseBytes).then(
        (body) => resolve({ status: response.statusCode ?? 0, body }),
        (cause: unknown) =>
          reject(new CallbackRequestError(`reading the response of ${request.url.origin} failed`, { cause })),
      );
    });
    outgoing.end(request.body);
  });
}

/** Answers every lookup with the address the guard checked (both callback styles net uses). */
function pinnedLookup(target: ResolvedAddress): LookupFunction {
  return (_hostname, lookupOptions, callback) => {
    if (lookupOptions.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
}

function readCapped(response: IncomingMessage, cap: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (): void => {
      response.removeAllListeners("data");
      resolve(Buffer.concat(chunks).subarray(0, cap));
    };
    response.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= cap) {
        finish();
        response.destroy();
      }
    });
    response.on("end", finish);
    response.on("error", reject);
  });
}
