/**
 * A deliberately narrow reader of HTTP/1.1 request heads for the fast lane (fast-lane.ts). It
 * accepts only the plainest form of a feed poll and returns undefined for everything else, so
 * that anything unusual is handed, untouched, to Node's full HTTP parser (llhttp), which then
 * answers it (including the 400s and 431s the RFC asks for).
 *
 * Accepted: `GET|HEAD SP origin-form SP HTTP/1.1` (RFC 9112 §3), then field lines
 * `token ":" OWS value OWS` (RFC 9112 §5) with no obsolete line folding, no control characters,
 * exactly one Host (RFC 9112 §3.2), no message body (no Transfer-Encoding, Content-Length 0 at
 * most: §6.3) and no Expect or Upgrade.
 */

export interface RequestHead {
  readonly method: "GET" | "HEAD";
  /** The origin-form request target, e.g. `/feeds/world.rss?limit=20`. */
  readonly target: string;
  readonly acceptEncoding?: string;
  readonly ifNoneMatch?: string;
  readonly ifModifiedSince?: string;
  /** The client sent `Connection: close` (RFC 9112 §9.6): answer, then close. */
  readonly close: boolean;
}

const REQUEST_LINE = /^(GET|HEAD) (\/[\x21-\x7e]*) HTTP\/1\.1$/;
const FIELD_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[ \t]*([\t\x20-\x7e\x80-\xff]*?)[ \t]*$/;
/**
 * Fields that change how a message is framed or answered: their presence sends the request to llhttp.
 * Sec-Fetch-Dest marks a browser (W3C Fetch Metadata): a person opening a feed in a tab gets it
 * labelled for the browser to render (feed-stylesheet.ts), which only the node:http path does.
 */
const HAND_OFF_FIELDS = new Set(["transfer-encoding", "expect", "upgrade", "sec-fetch-dest"]);
/** The fields the fast lane reads; each must appear at most once for it to answer. */
const READ_FIELDS = new Set([
  "host",
  "accept-encoding",
  "if-none-match",
  "if-modified-since",
  "connection",
  "content-length",
]);

/** Parses a head (the bytes before CRLF CRLF, as latin1); undefined means "not for the fast lane". */
export function parseRequestHead(head: string): RequestHead | undefined {
  const lines = head.split("\r\n");
  const requestLine = REQUEST_LINE.exec(lines[0] ?? "");
  if (!requestLine) return undefined;
  const fields = new Map<string, string>();
  for (let index = 1; index < lines.length; index++) {
    const field = FIELD_LINE.exec(lines[index] ?? "");
    if (!field) return undefined;
    const name = (field[1] ?? "").toLowerCase();
    if (HAND_OFF_FIELDS.has(name)) return undefined;
    if (!READ_FIELDS.has(name)) continue;
    if (fields.has(name)) return undefined;
    fields.set(name, field[2] ?? "");
  }
  if (!fields.has("host")) return undefined;
  const contentLength = fields.get("content-length");
  if (contentLength !== undefined && contentLength !== "0") return undefined;
  return {
    method: requestLine[1] === "HEAD" ? "HEAD" : "GET",
    target: requestLine[2] ?? "/",
    ...optional("acceptEncoding", fields.get("accept-encoding")),
    ...optional("ifNoneMatch", fields.get("if-none-match")),
    ...optional("ifModifiedSince", fields.get("if-modified-since")),
    close: /(?:^|,)\s*close\s*(?:,|$)/i.test(fields.get("connection") ?? ""),
  };
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}
