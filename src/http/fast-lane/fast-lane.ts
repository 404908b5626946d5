/**
 * The fast lane: cached feed polls answered straight on the socket.
 *
 * Nearly all traffic to a feed publisher is pollers asking again for bytes we already hold. On
 * this class of machine Node's HTTP machinery (llhttp, IncomingMessage, ServerResponse) costs
 * about 20 µs of CPU per request, several times what the answer itself needs, and capped a cached
 * feed at well under half of what nginx serves from a static file (bench/). So each new connection
 * starts here: complete request heads are read with a narrow parser (request-head.ts) and, while
 * every request on the connection is a plain GET/HEAD of a feed, its precomputed response is
 * written directly (after a render when the feed changed; requests behind it wait their turn).
 * The first request that is anything else (another route, an unknown feed, a failed render, a
 * body, an unusual header, a parse doubt) hands the connection, with every unread byte pushed
 * back, to the ordinary node:http server for good; it answers that request and all that follow.
 * Responses stay in request order because the lane answers one request at a time and hands off
 * before the first request it does not answer (RFC 9112 §9.3.2 pipelining).
 *
 * To a client the lane is invisible: it behaves as node:http does in every case it keeps
 * (tests/http/differential.test.ts sends the same request shapes to both and compares). So a
 * head that is not complete when its bytes arrive also goes to node:http at once, which then
 * owns its slow-loris timeout (408), its EOF mid-head (400) and its size limit (431); the lane
 * itself only times out a connection that never sent a byte (408, as node:http) or sat idle after
 * an answer, and closes at once when the client half-closes, as node:http does.
 */
import { STATUS_CODES, type Server } from "node:http";
import type { Socket } from "node:net";
import { performance } from "node:perf_hooks";
import type { Clock } from "../../model/index.js";
import { parseRequestHead, type RequestHead } from "./request-head.js";

/** A complete answer: `head` holds the status line and every field but Date and Connection. */
export interface FastAnswer {
  readonly status: number;
  readonly head: Buffer;
  /** Omitted for HEAD and 304. */
  readonly body?: Buffer;
}

export interface FastLaneOptions {
  /**
   * The answer for a request: at once, later (a render), or undefined to hand the connection to
   * node:http.
   */
  readonly answer: (request: RequestHead) => FastAnswer | Promise<FastAnswer | undefined> | undefined;
  readonly clock: Clock;
  /** Told about each request answered here (metrics). */
  readonly observe?: (status: number, seconds: number) => void;
  /**
   * Told when `answer` throws or its render fails: the request then goes to node:http, which
   * tries again and answers (a 500 if it fails too), but the first failure is reported here.
   */
  readonly failed?: (error: unknown) => void;
}

export interface FastLane {
  /** Connections currently in the lane (for tests and shutdown). */
  readonly connections: () => number;
}

/** Same as node:http's default max header size: a longer head goes to llhttp, which answers 431. */
const MAX_HEAD_BYTES = 16 * 1024;
const HEAD_END = Buffer.from("\r\n\r\n", "latin1");
/**
 * node:http keeps an idle connection this much longer than the keep-alive timeout it advertises,
 * so that a request sent just before the advertised moment is not met by a close
 * (HTTP_SERVER_KEEP_ALIVE_TIMEOUT_BUFFER in node's lib/_http_server.js).
 */
const KEEP_ALIVE_GRACE_MS = 1_000;
/** What node:http sends when no complete head arrived in time (`requestTimeoutResponse`, ibid.). */
const REQUEST_TIMEOUT = Buffer.from(`HTTP/1.1 408 ${STATUS_CODES[408]}\r\nConnection: close\r\n\r\n`, "latin1");
/**
 * While an answer renders, requests behind it are read on (so that a half-close is seen at once,
 * as node:http sees it) up to this many bytes; then reading pauses until the render is done.
 */
const MAX_WAITING_BYTES = 64 * 1024;

/** How long the lane lets a connection be silent, from node:http's settings. */
interface Timers {
  /** Before the first request: node:http's headersTimeout (or requestTimeout), counted from connect. */
  readonly firstHeadMs: number;
  /** After an answer: node:http's keep-alive timeout and its grace. */
  readonly idleMs: number;
}

/**
 * Puts the lane in front of `server`'s own connection handling. The server keeps listening,
 * counting connections and timing out the ones handed to it; closing it (server.close,
 * closeIdleConnections, closeAllConnections) also closes the lane's connections, which are idle
 * between requests by construction.
 */
export function installFastLane(server: Server, options: FastLaneOptions): FastLane {
  const httpListeners = server.listeners("connection") as ((socket: Socket) => void)[];
  server.removeAllListeners("connection");
  const open = new Set<Socket>();
  const framing = createFraming(options.clock, server.keepAliveTimeout);

  server.on("connection", (socket: Socket) => {
    open.add(socket);
    const lane = new Connection(socket, options, framing, () => {
      open.delete(socket);
      for (const listener of httpListeners) listener.call(server, socket);
    });
    socket.once("close", () => open.delete(socket));
    lane.start({
      // node:http times out a connection's first head from the moment it connects.
      firstHeadMs: server.headersTimeout > 0 ? server.headersTimeout : server.requestTimeout,
      idleMs: server.keepAliveTimeout > 0 ? server.keepAliveTimeout + KEEP_ALIVE_GRACE_MS : 0,
    });
  });

  // node:http's close() calls closeIdleConnections(); it knows only the connections it parses.
  const closeIdle = server.closeIdleConnections.bind(server);
  const closeAll = server.closeAllConnections.bind(server);
  const destroyLane = (): void => {
    for (const socket of open) socket.destroy();
    open.clear();
  };
  server.closeIdleConnections = () => {
    destroyLane();
    closeIdle();
  };
  server.closeAllConnections = () => {
    destroyLane();
    closeAll();
  };
  return { connections: () => open.size };
}

/**
 * What frames every answer: the Date field (RFC 9110 §6.6.1) and connection fields, formatted
 * once per second, and whole answers kept as single buffers.
 */
interface Framing {
  keepAlive(): Buffer;
  close(): Buffer;
  /**
   * head + fields (+ body) as one buffer, kept until the fields change (each second): one write(2)
   * per answer instead of a writev of three, at the price of one copy of a hot body, and no copy
   * at all for the commonest answer, a 304.
   */
  whole(head: Buffer, fields: Buffer, body: Buffer | undefined): Buffer;
}

function createFraming(clock: Clock, keepAliveTimeoutMs: number): Framing {
  let second = Number.NaN;
  let keepAlive = Buffer.alloc(0);
  let close = Buffer.alloc(0);
  const refresh = (): void => {
    const now = Math.floor(clock() / 1000);
    if (now === second) return;
    second = now;
    const date = `Date: ${new Date(now * 1000).toUTCString()}\r\n`;
    keepAlive = Buffer.from(
      `${date}Connection: keep-alive\r\nKeep-Alive: timeout=${Math.floor(keepAliveTimeoutMs / 1000)}\r\n\r\n`,
      "latin1",
    );
    close = Buffer.from(`${date}Connection: close\r\n\r\n`, "latin1");
  };
  const wholes = new WeakMap<Buffer, { head: Buffer; fields: Buffer; bytes: Buffer }>();
  return {
    keepAlive: () => (refresh(), keepAlive),
    close: () => (refresh(), close),
    whole(head, fields, body) {
      // Kept beside the body, or beside the head of an answer without one.
      const key = body ?? head;
      const kept = wholes.get(key);
      if (kept?.head === head && kept.fields === fields) return kept.bytes;
      const bytes = Buffer.concat(body === undefined ? [head, fields] : [head, fields, body]);
      wholes.set(key, { head, fields, bytes });
      return bytes;
    },
  };
}

class Connection {
  #pending: Buffer | undefined;
  #done = false;
  /** An answer is being rendered; requests after it wait in #pending. */
  #rendering = false;
  /** Which of node:http's timers #timeout stands for now. */
  #timer: "first head" | "idle" | "off" = "first head";
  #timers: Timers = { firstHeadMs: 0, idleMs: 0 };
  #timeout: NodeJS.Timeout | undefined;
  /**
   * When the last answer was handed to the OS in full (performance.now(), from the write's
   * callback). The idle timer is not re-armed per request: when it fires, it checks this and
   * sleeps on if an answer went out since. A socket timeout (socket.setTimeout) would be
   * refreshed on every read and every write, which cost about 1 µs of CPU a request
   * (bench/node-floor.mjs), 8% of a 304.
   */
  #answeredAt = 0;
  /** Bytes still queued for the socket when the idle timer last fired (see #onTimeout). */
  #queuedAtTimeout = 0;
  readonly #onWritten = (): void => {
    this.#answeredAt = performance.now();
  };
  readonly #onData = (chunk: Buffer): void => this.#receive(chunk);
  readonly #onDrain = (): void => {
    if (!this.#rendering) this.socket.resume();
    this.#receive(undefined);
  };
  readonly #onError = (): void => {
    this.socket.destroy();
  };
  /**
   * The client half-closed (sent FIN): node:http, whose httpAllowHalfOpen is off, ends the
   * connection at once; answers already written still reach the client, one being rendered is
   * dropped, and requests not yet answered are not.
   */
  readonly #onEnd = (): void => {
    if (this.#done) return;
    this.#detach();
    this.socket.end();
  };
  readonly #onTimeout = (): void => {
    this.#timeout = undefined;
    if (this.#done || this.#timer === "off") return;
    if (this.#timer === "idle") {
      // An answer still going out to a slow reader is not idleness: as a socket timeout does
      // (net.Socket#_onTimeout), wait on while its queue moves, and give up once it stalls.
      const queued = this.socket.writableLength;
      const moved = queued !== this.#queuedAtTimeout;
      this.#queuedAtTimeout = queued;
      if (queued > 0 && moved) {
        this.#arm(this.#timers.idleMs);
        return;
      }
      const left = this.#answeredAt + this.#timers.idleMs - performance.now();
      if (queued === 0 && left > 0) {
        this.#arm(left);
        return;
      }
    }
    // A connection that never sent a request gets node:http's 408; an idle one is just closed.
    if (this.#timer === "first head" && this.socket.writable) this.socket.write(REQUEST_TIMEOUT);
    this.socket.destroy();
  };

  constructor(
    private readonly socket: Socket,
    private readonly options: FastLaneOptions,
    private readonly framing: Framing,
    private readonly handOff: () => void,
  ) {}

  start(timers: Timers): void {
    this.#timers = timers;
    this.#arm(timers.firstHeadMs);
    // However the connection ends (an error, the client, a server close), its timer goes with it.
    this.socket.once("close", () => this.#arm(0));
    this.socket.on("error", this.#onError);
    this.socket.on("drain", this.#onDrain);
    this.socket.on("end", this.#onEnd);
    this.socket.on("data", this.#onData);
  }

  /** Answers every complete head received, in order, until one is not for the lane. */
  #receive(chunk: Buffer | undefined): void {
    if (this.#done) return;
    if (chunk !== undefined) this.#append(chunk);
    if (this.#rendering) return; // the answer being rendered goes first; the rest waits in #pending
    let buffer = this.#pending;
    while (buffer !== undefined && !this.#done) {
      if (this.socket.writableNeedDrain) {
        // The client is not reading its answers: read no more of its requests until it does.
        this.socket.pause();
        break;
      }
      const end = buffer.indexOf(HEAD_END);
      if (end === -1 || end > MAX_HEAD_BYTES) {
        // Half a head (or too long a one): node:http's to time out, to see cut short, or to refuse.
        this.#leave(buffer);
        return;
      }
      const startedAt = this.options.observe ? process.hrtime.bigint() : 0n;
      const request = parseRequestHead(buffer.toString("latin1", 0, end));
      const answer = request === undefined ? undefined : this.#tryAnswer(request);
      if (request === undefined || answer === undefined) {
        this.#leave(buffer);
        return;
      }
      const rest = end + HEAD_END.length < buffer.length ? buffer.subarray(end + HEAD_END.length) : undefined;
      if (answer instanceof Promise) {
        this.#await(answer, request, buffer.subarray(0, end + HEAD_END.length), rest, startedAt);
        return;
      }
      this.#answered(request, answer, startedAt);
      buffer = rest;
    }
    if (this.#done) return;
    this.#pending = buffer;
  }

  #answered(request: RequestHead, answer: FastAnswer, startedAt: bigint): void {
    this.#write(request, answer);
    this.options.observe?.(answer.status, Number(process.hrtime.bigint() - startedAt) / 1e9);
    if (this.#timer !== "idle") {
      this.#timer = "idle";
      this.#arm(this.#timers.idleMs);
    }
    if (request.close) this.#finish();
  }

  /**
   * A feed that must be rendered first (after a change): later requests on this connection wait
   * their turn in #pending, and the connection stays in the lane. No timer runs meanwhile (nor
   * does node:http's while it answers). Should the render fail, the request goes to node:http,
   * which answers it (a 500, logged) like any other.
   */
  #await(
    answer: Promise<FastAnswer | undefined>,
    request: RequestHead,
    head: Buffer,
    rest: Buffer | undefined,
    startedAt: bigint,
  ): void {
    this.#rendering = true;
    this.#pending = rest;
    this.#timer = "off";
    this.#arm(0);
    const settle = (ready: FastAnswer | undefined): void => {
      this.#rendering = false;
      if (this.#done || this.socket.destroyed) return;
      if (ready === undefined) {
        this.#leave(this.#pending === undefined ? head : Buffer.concat([head, this.#pending]));
        return;
      }
      this.#answered(request, ready, startedAt);
      if (this.#done) return;
      this.socket.resume();
      this.#receive(undefined);
    };
    answer.then(settle, (error: unknown) => {
      this.options.failed?.(error);
      settle(undefined);
    });
  }

  /** A lookup that throws is reported, and the request left to node:http (which answers 500 if it fails again). */
  #tryAnswer(request: RequestHead): FastAnswer | Promise<FastAnswer | undefined> | undefined {
    try {
      return this.options.answer(request);
    } catch (error) {
      this.options.failed?.(error);
      return undefined;
    }
  }

  #append(chunk: Buffer): void {
    this.#pending = this.#pending === undefined ? chunk : Buffer.concat([this.#pending, chunk]);
    if (this.#rendering && this.#pending.length > MAX_WAITING_BYTES) this.socket.pause();
  }

  #write(request: RequestHead, answer: FastAnswer): void {
    const fields = request.close ? this.framing.close() : this.framing.keepAlive();
    const bytes = this.framing.whole(answer.head, fields, request.method === "HEAD" ? undefined : answer.body);
    this.socket.write(bytes, this.#onWritten);
  }

  /** Runs #onTimeout in `ms` (0: never), replacing whatever timer ran; it does not keep the process alive. */
  #arm(ms: number): void {
    if (this.#timeout !== undefined) clearTimeout(this.#timeout);
    this.#timeout = ms > 0 ? setTimeout(this.#onTimeout, ms).unref() : undefined;
  }

  #finish(): void {
    this.#detach();
    this.socket.end();
  }

  /** Gives the connection, and every byte not yet answered, to node:http for good. */
  #leave(unread: Buffer): void {
    this.#detach();
    const socket = this.socket;
    socket.pause();
    socket.unshift(unread);
    this.handOff();
    socket.resume();
  }

  #detach(): void {
    this.#done = true;
    this.#pending = undefined;
    this.#arm(0);
    const socket = this.socket;
    socket.off("error", this.#onError);
    socket.off("drain", this.#onDrain);
    socket.off("end", this.#onEnd);
    socket.off("data", this.#onData);
  }
}
