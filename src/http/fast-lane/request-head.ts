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
 *
 * It runs once per poll, so field lines are scanned by character code rather than split and
 * matched with a regular expression per line (which cost about a microsecond a request);
 * tests/http/fast-lane/request-head.test.ts holds it to that regular-expression definition.
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
/** tchar (RFC 9110 §5.6.2), the characters of a field name, by character code. */
const TOKEN = characterSet("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
const COLON = 0x3a;
const SPACE = 0x20;
const TAB = 0x09;
const DELETE = 0x7f;
const LATIN1_MAX = 0xff;
const CLOSE = /(?:^|,)\s*close\s*(?:,|$)/i;
/**
 * Fields that change how a message is framed or answered: their presence sends the request to llhttp.
 * Sec-Fetch-Dest marks a browser (W3C Fetch Metadata): a person opening a feed in a tab gets it
 * labelled for the browser to render (feed-stylesheet.ts), which only the node:http path does.
 */
const HAND_OFF_FIELDS = new Set(["transfer-encoding", "expect", "upgrade", "sec-fetch-dest"]);
/** The fields read here, each at its place in the values read; each must appear at most once for the lane to answer. */
const READ_FIELDS = new Map(
  ["host", "accept-encoding", "if-none-match", "if-modified-since", "connection", "content-length"].map(
    (name, slot) => [name, slot] as const,
  ),
);

/** Parses a head (the bytes before CRLF CRLF, as latin1); undefined means "not for the fast lane". */
export function parseRequestHead(head: string): RequestHead | undefined {
  const firstEnd = head.indexOf("\r\n");
  const requestLine = REQUEST_LINE.exec(firstEnd === -1 ? head : head.slice(0, firstEnd));
  if (!requestLine) return undefined;
  const values: (string | undefined)[] = [];
  for (let start = firstEnd === -1 ? head.length + 2 : firstEnd + 2; start <= head.length;) {
    const found = head.indexOf("\r\n", start);
    const end = found === -1 ? head.length : found;
    const field = fieldLine(head, start, end);
    if (field === undefined) return undefined;
    // Names are case-insensitive (RFC 9110 §5.1); only a few matter here.
    const name = head.slice(start, field.colon).toLowerCase();
    const slot = READ_FIELDS.get(name);
    if (slot === undefined) {
      if (HAND_OFF_FIELDS.has(name)) return undefined;
    } else {
      if (values[slot] !== undefined) return undefined;
      values[slot] = head.slice(field.valueStart, field.valueEnd);
    }
    start = end + 2;
  }
  const [host, acceptEncoding, ifNoneMatch, ifModifiedSince, connection, contentLength] = values;
  if (host === undefined) return undefined;
  if (contentLength !== undefined && contentLength !== "0") return undefined;
  const request: { -readonly [K in keyof RequestHead]: RequestHead[K] } = {
    method: requestLine[1] === "HEAD" ? "HEAD" : "GET",
    target: requestLine[2] ?? "/",
    close: connection !== undefined && CLOSE.test(connection),
  };
  if (acceptEncoding !== undefined) request.acceptEncoding = acceptEncoding;
  if (ifNoneMatch !== undefined) request.ifNoneMatch = ifNoneMatch;
  if (ifModifiedSince !== undefined) request.ifModifiedSince = ifModifiedSince;
  return request;
}

/** Where the name ends and the value (without surrounding whitespace) lies, if it is a field line at all. */
interface FieldLine {
  readonly colon: number;
  readonly valueStart: number;
  readonly valueEnd: number;
}

/**
 * `token ":" OWS field-value OWS` between `start` and `end` (RFC 9112 §5.1): a value holds
 * visible characters, spaces, tabs and obs-text (0x80-0xFF), and no other control character, so a
 * lone CR or LF, obsolete line folding included, is refused.
 */
function fieldLine(head: string, start: number, end: number): FieldLine | undefined {
  let colon = start;
  while (colon < end && TOKEN[head.charCodeAt(colon)] === 1) colon++;
  if (colon === start || colon === end || head.charCodeAt(colon) !== COLON) return undefined;
  let valueStart = colon + 1;
  while (valueStart < end && isWhitespace(head.charCodeAt(valueStart))) valueStart++;
  for (let at = valueStart; at < end; at++) {
    const code = head.charCodeAt(at);
    if (code !== TAB && (code < SPACE || code === DELETE || code > LATIN1_MAX)) return undefined;
  }
  let valueEnd = end;
  while (valueEnd > valueStart && isWhitespace(head.charCodeAt(valueEnd - 1))) valueEnd--;
  return { colon, valueStart, valueEnd };
}

function isWhitespace(code: number): boolean {
  return code === SPACE || code === TAB;
}

function characterSet(characters: string): Uint8Array {
  const set = new Uint8Array(256);
  for (let index = 0; index < characters.length; index++) set[characters.charCodeAt(index)] = 1;
  return set;
}
