import http from "node:http";
import https from "node:https";
import { readFile, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import zlib from "node:zlib";
import { TLSSocket } from "node:tls";
import { isIP, type Socket } from "node:net";
import { AddressRefused, createAddressGuard, type AddressGuard } from "../net/address-guard.js";
import { redactUrlsIn } from "../net/redact-url.js";
import { parseDate } from "./dates.js";

/**
 * One polite GET: identifies itself, asks for compression, revalidates with the previous
 * validators (RFC 9110 §13.1), honours Retry-After (RFC 9110 §10.2.3), and is bounded in time,
 * size and redirects so a misbehaving upstream costs one failed pass, never the process.
 */

export interface FetchOptions {
  readonly userAgent: string;
  readonly connectTimeoutMs: number;
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly maxRedirects: number;
  /**
   * Let URLs that upstream content or a redirect named reach private, loopback and link-local
   * addresses (config `defaults.fetch.allow_private_networks`, default false).
   */
  readonly allowPrivateNetworks?: boolean;
  /** CIDR blocks such URLs may reach anyway (config `defaults.fetch.allowed_networks`). */
  readonly allowedNetworks?: readonly string[];
  /**
   * Absolute directories `file:` URLs must lie in, judged on the real path (symbolic links
   * followed): CONFIG_DIR and `defaults.fetch.allowed_file_dirs`, as config builds them.
   * Undefined: no confinement, for a path an operator gives on the command line (discover).
   */
  readonly fileRoots?: readonly string[] | undefined;
}

export interface FetchRequest {
  readonly url: string;
  readonly options: FetchOptions;
  readonly etag?: string;
  readonly lastModified?: string;
  readonly accept?: string;
  readonly signal?: AbortSignal;
  /**
   * The URL ops configured for the source this fetch serves: its origin is trusted, whatever it
   * resolves to (loopback tests, private deployments). Any other origin — a link read from a
   * listing page, a redirect elsewhere — must resolve to a public address or an allowed network.
   * Default: `url` itself, i.e. the request is for the configured URL.
   */
  readonly configuredUrl?: string;
}

export type FetchResult =
  | {
      readonly status: "ok";
      /** Final URL after redirects. */
      readonly url: string;
      readonly body: Buffer;
      readonly contentType?: string;
      readonly etag?: string;
      readonly lastModified?: string;
    }
  | { readonly status: "not-modified"; readonly url: string; readonly etag?: string; readonly lastModified?: string };

export class FetchError extends Error {
  override readonly name = "FetchError";
  readonly httpStatus?: number;
  /** How long upstream asked us to wait (429/503 with Retry-After). */
  readonly retryAfterMs?: number;

  constructor(message: string, options?: { cause?: unknown; httpStatus?: number; retryAfterMs?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    if (options?.httpStatus !== undefined) this.httpStatus = options.httpStatus;
    if (options?.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const WEB_PROTOCOLS = new Set(["http:", "https:"]);

type Hop = { readonly redirectTo: string } | { readonly result: FetchResult };

/** Error messages reach /status, lastError and logs: URLs in them lose their credentials (redact-url.ts). */
function fail(url: URL | string, reason: string, options?: ConstructorParameters<typeof FetchError>[1]): FetchError {
  return new FetchError(redactUrlsIn(`fetch: ${String(url)}: ${reason}`), options);
}

function parseRequestUrl(raw: string): URL {
  try {
    return new URL(raw);
  } catch (cause) {
    throw new FetchError(redactUrlsIn(`fetch: ${raw}: not an absolute URL`), { cause });
  }
}

export async function fetchResource(req: FetchRequest): Promise<FetchResult> {
  const url = parseRequestUrl(req.url);
  if (url.protocol === "file:") return readLocalFile(url, req.options);
  if (!WEB_PROTOCOLS.has(url.protocol)) throw fail(url, `unsupported URL scheme ${url.protocol}`);
  const deadline = startDeadline(url, req);
  try {
    return await followRedirects(url, req, deadline.signal, addressCheck(req));
  } finally {
    deadline.stop();
  }
}

/** One AbortSignal for the whole fetch: the total timeout (all hops included) or the caller's signal. */
function startDeadline(url: URL, req: FetchRequest): { signal: AbortSignal; stop: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(fail(url, `timed out after ${req.options.timeoutMs} ms (total)`)),
    req.options.timeoutMs,
  );
  const onCallerAbort = (): void => controller.abort(fail(url, "aborted", { cause: req.signal?.reason }));
  if (req.signal?.aborted) onCallerAbort();
  req.signal?.addEventListener("abort", onCallerAbort, { once: true });
  return {
    signal: controller.signal,
    stop: () => {
      clearTimeout(timer);
      req.signal?.removeEventListener("abort", onCallerAbort);
    },
  };
}

/**
 * Where a hop may connect (issue 9: upstream-supplied URLs reached internal services and their
 * answers were published). The configured origin is trusted as ops wrote it; every other origin
 * goes through the shared address guard (src/net/address-guard.ts), checked on the address
 * actually connected to.
 */
interface AddressCheck {
  readonly trustedOrigin: string;
  readonly guard: AddressGuard | undefined;
}

function addressCheck(req: FetchRequest): AddressCheck {
  const configured = req.configuredUrl ?? req.url;
  const trustedOrigin = URL.canParse(configured) ? new URL(configured).origin : "null";
  if (req.options.allowPrivateNetworks === true) return { trustedOrigin, guard: undefined };
  try {
    return {
      trustedOrigin,
      guard: createAddressGuard({ allowPrivate: false, allowedNetworks: req.options.allowedNetworks ?? [] }),
    };
  } catch (cause) {
    throw new FetchError(
      `fetch: defaults.fetch.allowed_networks: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
}

/** The guard a hop to `url` must pass, or undefined for the trusted origin ("null" never matches: an opaque origin is nobody's). */
function guardFor(url: URL, check: AddressCheck): AddressGuard | undefined {
  return url.origin !== "null" && url.origin === check.trustedOrigin ? undefined : check.guard;
}

async function followRedirects(
  start: URL,
  req: FetchRequest,
  signal: AbortSignal,
  check: AddressCheck,
): Promise<FetchResult> {
  const visited = new Set([start.href]);
  let current = start;
  for (let redirects = 0; ; redirects++) {
    const hop = await requestOnce(current, req, signal, guardFor(current, check));
    if ("result" in hop) return hop.result;
    if (redirects >= req.options.maxRedirects)
      throw fail(start, `too many redirects (more than ${req.options.maxRedirects})`);
    const next = nextLocation(current, hop.redirectTo);
    if (visited.has(next.href)) throw fail(start, `redirect loop at ${next.href}`);
    visited.add(next.href);
    current = next;
  }
}

function nextLocation(from: URL, location: string): URL {
  let next: URL;
  try {
    next = new URL(location, from);
  } catch (cause) {
    throw fail(from, `redirect to an invalid Location ${JSON.stringify(location)}`, { cause });
  }
  // A feed server must not be able to make us read local files or other schemes.
  if (!WEB_PROTOCOLS.has(next.protocol)) throw fail(from, `redirect to a non-http(s) URL ${next.href}`);
  return next;
}

function requestHeaders(req: FetchRequest): http.OutgoingHttpHeaders {
  return {
    "user-agent": req.options.userAgent,
    accept: req.accept ?? "*/*",
    "accept-encoding": "gzip, deflate, br",
    ...(req.etag !== undefined && { "if-none-match": req.etag }),
    ...(req.lastModified !== undefined && { "if-modified-since": req.lastModified }),
  };
}

async function requestOnce(
  url: URL,
  req: FetchRequest,
  signal: AbortSignal,
  guard: AddressGuard | undefined,
): Promise<Hop> {
  // net.connect never calls `lookup` for an IP literal, so those are judged before connecting.
  if (guard !== undefined && isIP(url.hostname.replace(/^\[|\]$/g, "")) !== 0) {
    try {
      await guard.resolve(url.hostname);
    } catch (err) {
      throw asFetchError(url, err, signal);
    }
  }
  return new Promise<Hop>((resolve, reject) => {
    const transport = url.protocol === "https:" ? https : http;
    // agent: false — a fresh connection per fetch, so the connect timeout measures a real connect.
    // lookup — host names are resolved and checked in one step, so the address checked is the one used.
    const request = transport.request(url, {
      method: "GET",
      headers: requestHeaders(req),
      agent: false,
      signal,
      ...(guard !== undefined && { lookup: guard.lookup }),
    });
    const connectTimer = setTimeout(
      () => request.destroy(fail(url, `timed out after ${req.options.connectTimeoutMs} ms (connect)`)),
      req.options.connectTimeoutMs,
    );
    request.on("socket", (socket: Socket) => {
      if (!socket.connecting) {
        clearTimeout(connectTimer);
        return;
      }
      // For https the TLS handshake is part of connecting: a stalled handshake is a connect timeout too.
      socket.once(socket instanceof TLSSocket ? "secureConnect" : "connect", () => clearTimeout(connectTimer));
    });
    request.on("error", (err) => {
      clearTimeout(connectTimer);
      reject(asFetchError(url, err, signal));
    });
    request.on("response", (res) => {
      clearTimeout(connectTimer);
      handleResponse(url, res, req).then(resolve, (err: unknown) => {
        res.destroy();
        reject(asFetchError(url, err, signal));
      });
    });
    request.end();
  });
}

/** The most telling error: our own deadline/abort reason beats the socket error it caused. */
function asFetchError(url: URL, err: unknown, signal: AbortSignal): FetchError {
  if (signal.aborted && signal.reason instanceof FetchError) return signal.reason;
  if (err instanceof FetchError) return err;
  if (err instanceof AddressRefused) {
    // A name that does not resolve is a plain DNS failure, not a refusal of where it points.
    if (err.cause !== undefined) return fail(url, `${err.message} (${describeCause(err.cause)})`, { cause: err });
    return fail(
      url,
      `refused: ${err.message} (only the source's own origin may be private; see defaults.fetch.allowed_networks)`,
      { cause: err },
    );
  }
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const detail = err instanceof Error ? err.message : String(err);
  return fail(url, code === undefined ? detail : `${code} (${detail})`, { cause: err });
}

function describeCause(cause: unknown): string {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  return code ?? (cause instanceof Error ? cause.message : String(cause));
}

async function handleResponse(url: URL, res: http.IncomingMessage, req: FetchRequest): Promise<Hop> {
  const status = res.statusCode ?? 0;
  const location = res.headers.location;
  if (REDIRECT_STATUSES.has(status) && location !== undefined) {
    res.resume();
    return { redirectTo: location };
  }
  if (status === 304) {
    res.resume();
    const etag = res.headers.etag ?? req.etag;
    const lastModified = res.headers["last-modified"] ?? req.lastModified;
    return {
      result: {
        status: "not-modified",
        url: url.href,
        ...(etag !== undefined && { etag }),
        ...(lastModified !== undefined && { lastModified }),
      },
    };
  }
  if (status < 200 || status > 299) {
    res.resume();
    throw statusError(url, res);
  }
  const body = await decodeContentCoding(
    url,
    await readRawBody(url, res, req.options.maxBytes),
    res.headers["content-encoding"],
    req.options.maxBytes,
  );
  const contentType = res.headers["content-type"];
  const etag = res.headers.etag;
  const lastModified = res.headers["last-modified"];
  return {
    result: {
      status: "ok",
      url: url.href,
      body,
      ...(contentType !== undefined && { contentType }),
      ...(etag !== undefined && { etag }),
      ...(lastModified !== undefined && { lastModified }),
    },
  };
}

function statusError(url: URL, res: http.IncomingMessage): FetchError {
  const status = res.statusCode ?? 0;
  const text = `HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ""}`;
  if (status === 429 || status === 503) {
    const retryAfterMs = retryAfterOf(res.headers["retry-after"], res.headers.date);
    if (retryAfterMs !== undefined) {
      return fail(url, `${text} (retry after ${Math.ceil(retryAfterMs / 1000)} s)`, {
        httpStatus: status,
        retryAfterMs,
      });
    }
  }
  return fail(url, text, { httpStatus: status });
}

/**
 * Retry-After (RFC 9110 §10.2.3) is delay-seconds or an HTTP-date. The date is measured against the
 * response's own Date header when present, so a skewed local clock does not distort the delay.
 */
export function retryAfterOf(
  value: string | undefined,
  responseDate: string | undefined,
  now: number = Date.now(),
): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = parseDate(trimmed);
  if (at === undefined) return undefined;
  const reference = parseDate(responseDate) ?? now;
  return Math.max(0, at - reference);
}

async function readRawBody(url: URL, res: http.IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(res.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) throw fail(url, `body exceeds ${maxBytes} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res) {
      const buf = chunk as Buffer;
      size += buf.length;
      // Abort the socket as soon as the cap is crossed: a hostile upstream must not fill our memory.
      if (size > maxBytes) throw fail(url, `body exceeds ${maxBytes} bytes`);
      chunks.push(buf);
    }
  } catch (err) {
    res.destroy();
    throw err instanceof FetchError ? err : fail(url, "connection closed before the body was complete", { cause: err });
  }
  return Buffer.concat(chunks, size);
}

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const inflateRaw = promisify(zlib.inflateRaw);
const brotliDecompress = promisify(zlib.brotliDecompress);

/** Undo Content-Encoding (RFC 9110 §8.4), last coding first; decoded output is capped like the body. */
async function decodeContentCoding(
  url: URL,
  raw: Buffer,
  header: string | undefined,
  maxBytes: number,
): Promise<Buffer> {
  const codings = (header ?? "")
    .split(",")
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== "" && c !== "identity");
  let body = raw;
  for (const coding of codings.reverse()) {
    try {
      body = await decodeOne(coding, body, maxBytes);
    } catch (cause) {
      if (cause instanceof FetchError) throw fail(url, cause.message);
      if ((cause as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE")
        throw fail(url, `body exceeds ${maxBytes} bytes`, { cause });
      throw fail(url, `cannot decode ${coding} body`, { cause });
    }
  }
  return body;
}

async function decodeOne(coding: string, body: Buffer, maxBytes: number): Promise<Buffer> {
  // SYNC_FLUSH keeps what a truncated stream did deliver instead of failing on the missing trailer.
  const tolerant = { maxOutputLength: maxBytes, finishFlush: zlib.constants.Z_SYNC_FLUSH };
  switch (coding) {
    case "gzip":
    case "x-gzip":
      return gunzip(body, tolerant);
    case "deflate":
      // RFC 9110 §8.4.1.2 says zlib-wrapped, but some servers send raw DEFLATE; the zlib header tells them apart.
      return (body[0] ?? 0) % 16 === 8 && ((body[0] ?? 0) * 256 + (body[1] ?? 0)) % 31 === 0
        ? inflate(body, tolerant)
        : inflateRaw(body, tolerant);
    case "br":
      return brotliDecompress(body, { maxOutputLength: maxBytes });
    default:
      throw new FetchError(`unsupported Content-Encoding ${coding}`);
  }
}

/** `file:` sources (docs/ARCHITECTURE.md: relative to CONFIG_DIR, resolved by config): same cap, no validators. */
async function readLocalFile(url: URL, options: FetchOptions): Promise<FetchResult> {
  let file: string;
  try {
    file = fileURLToPath(url);
  } catch (cause) {
    throw fail(url, "not a local file path", { cause });
  }
  try {
    if (options.fileRoots !== undefined) file = await confined(url, file, options.fileRoots);
    const info = await stat(file);
    if (!info.isFile()) throw fail(url, "not a regular file");
    if (info.size > options.maxBytes) throw fail(url, `body exceeds ${options.maxBytes} bytes`);
    return { status: "ok", url: url.href, body: await readFile(file) };
  } catch (err) {
    if (err instanceof FetchError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw fail(url, code === "ENOENT" ? "no such file" : `cannot read file (${code ?? String(err)})`, { cause: err });
  }
}

/**
 * The file's real path, if it lies in one of `roots` (issue 9 point 7: a source could read any file
 * the process can, and its text reached /status). Real paths on both sides, so neither `..` nor a
 * symbolic link leads out; the real path is what is read, so the link cannot change in between.
 */
async function confined(url: URL, file: string, roots: readonly string[]): Promise<string> {
  const real = await realpath(file);
  const realRoots = await Promise.all(roots.map((root) => realpath(root).catch(() => path.resolve(root))));
  const inside = realRoots.some((root) => {
    const relative = path.relative(root, real);
    return (
      relative === "" || (relative !== ".." && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative))
    );
  });
  if (!inside) throw fail(url, "file is outside the config directory and defaults.fetch.allowed_file_dirs; not read");
  return real;
}
