import { describe, expect, it } from "vitest";
import { parseRequestHead, type RequestHead } from "../../../src/http/fast-lane/request-head.js";

describe("parseRequestHead", () => {
  it("reads a plain poll", () => {
    expect(
      parseRequestHead(
        'GET /feeds/world.rss?limit=5 HTTP/1.1\r\nHost: a\r\nIf-None-Match: "x"\r\nAccept-Encoding: gzip, br',
      ),
    ).toEqual({
      method: "GET",
      target: "/feeds/world.rss?limit=5",
      ifNoneMatch: '"x"',
      acceptEncoding: "gzip, br",
      close: false,
    });
    expect(parseRequestHead("HEAD / HTTP/1.1\r\nhost: a\r\nConnection: keep-alive, Close")?.close).toBe(true);
  });

  it("trims whitespace around a value, not inside it, and reads names in any case", () => {
    expect(
      parseRequestHead(
        "GET /feeds/world.rss HTTP/1.1\r\nHOST:a\r\nif-modified-since: \t Thu, 03 Dec 2026 07:00:00 GMT \t\r\nX-Other: \u00e9",
      ),
    ).toEqual({
      method: "GET",
      target: "/feeds/world.rss",
      ifModifiedSince: "Thu, 03 Dec 2026 07:00:00 GMT",
      close: false,
    });
  });

  it.each([
    ["another method", "POST /feeds/world.rss HTTP/1.1\r\nHost: a"],
    ["HTTP/1.0", "GET /feeds/world.rss HTTP/1.0\r\nHost: a"],
    ["no Host", "GET /feeds/world.rss HTTP/1.1\r\nAccept: */*"],
    ["two Hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b"],
    ["a body", "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 3"],
    ["chunked", "GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked"],
    ["obsolete folding", "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c"],
    ["a space before the colon", "GET / HTTP/1.1\r\nHost : a"],
    ["a control character", "GET / HTTP/1.1\r\nHost: a\u0000b"],
    ["a lone LF inside a value", "GET / HTTP/1.1\r\nHost: a\nX-A: b"],
    ["an empty field name", "GET / HTTP/1.1\r\nHost: a\r\n: b"],
    ["a line without a colon", "GET / HTTP/1.1\r\nHost: a\r\nX-A"],
    ["a head ending in an empty line", "GET / HTTP/1.1\r\nHost: a\r\n"],
    ["an absolute-form target", "GET http://a/feeds/world.rss HTTP/1.1\r\nHost: a"],
    ["a leading empty line", "\r\nGET / HTTP/1.1\r\nHost: a"],
    ["two If-None-Match fields", 'GET / HTTP/1.1\r\nHost: a\r\nIf-None-Match: "a"\r\nIf-None-Match: "b"'],
    // A browser tab gets XML feeds labelled for rendering (feed-stylesheet.ts), which only node:http does.
    ["a browser tab (Sec-Fetch-Dest)", "GET /feeds/world.rss HTTP/1.1\r\nHost: a\r\nSec-Fetch-Dest: document"],
  ])("leaves %s to node:http", (_, head) => {
    expect(parseRequestHead(head)).toBeUndefined();
  });

  it("agrees with its regular-expression definition on random heads", () => {
    // A seeded generator (Park–Miller), so a failure names a reproducible head.
    let seed = 20_261_203;
    const random = (): number => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647;
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
    const names = [
      "Host",
      "host",
      "Accept-Encoding",
      "If-None-Match",
      "IF-MODIFIED-SINCE",
      "Connection",
      "Content-Length",
      "Transfer-Encoding",
      "Expect",
      "Upgrade",
      "Sec-Fetch-Dest",
      "User-Agent",
      "X-A",
      "X A",
      "",
      "Ho\u00e9st",
    ];
    const values = [
      "a",
      "",
      " gzip, br ",
      '"x"',
      "close",
      "keep-alive, Close",
      "0",
      "3",
      "\t v \t",
      "\u00ff",
      "a\u0000",
      "a\u007f",
      "a ",
      "1\t",
    ];
    const separators = [":", ": ", ":\t", " :", ""];
    const requestLines = [
      "GET /feeds/world.rss HTTP/1.1",
      "GET /feeds/world.rss HTTP/1.1",
      "HEAD / HTTP/1.1",
      "GET  / HTTP/1.1",
      "PUT / HTTP/1.1",
    ];
    let accepted = 0;
    for (let round = 0; round < 20_000; round++) {
      const lines = [pick(requestLines)];
      for (let count = Math.floor(random() * 6); count > 0; count--) {
        // Mostly well-formed lines, so that heads pass often enough to compare what is read.
        const separator = random() < 0.8 ? ": " : pick(separators);
        const damage = random() < 0.03 ? pick(["\r", "\n", " "]) : "";
        lines.push(`${pick(names)}${separator}${pick(values)}${damage}`);
      }
      if (random() < 0.8) lines.splice(1 + Math.floor(random() * lines.length), 0, "Host: a");
      const head = lines.join("\r\n") + (random() < 0.02 ? "\r\n" : "");
      const expected = byRegularExpressions(head);
      if (expected !== undefined) accepted++;
      expect(parseRequestHead(head), JSON.stringify(head)).toEqual(expected);
    }
    // Both outcomes are exercised, not just refusals.
    expect(accepted, `${accepted} of 20,000 heads accepted`).toBeGreaterThan(1_500);
  });
});

/** The definition the scanner is held to: the lane's first reader, a regular expression per line. */
function byRegularExpressions(head: string): RequestHead | undefined {
  const lines = head.split("\r\n");
  const requestLine = /^(GET|HEAD) (\/[\x21-\x7e]*) HTTP\/1\.1$/.exec(lines[0] ?? "");
  if (!requestLine) return undefined;
  const fields = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const field = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[ \t]*([\t\x20-\x7e\x80-\xff]*?)[ \t]*$/.exec(line);
    if (!field) return undefined;
    const name = (field[1] ?? "").toLowerCase();
    if (["transfer-encoding", "expect", "upgrade", "sec-fetch-dest"].includes(name)) return undefined;
    if (
      !["host", "accept-encoding", "if-none-match", "if-modified-since", "connection", "content-length"].includes(name)
    ) {
      continue;
    }
    if (fields.has(name)) return undefined;
    fields.set(name, field[2] ?? "");
  }
  if (!fields.has("host")) return undefined;
  const contentLength = fields.get("content-length");
  if (contentLength !== undefined && contentLength !== "0") return undefined;
  const optional = (key: string, value: string | undefined): Record<string, string> =>
    value === undefined ? {} : { [key]: value };
  return {
    method: requestLine[1] === "HEAD" ? "HEAD" : "GET",
    target: requestLine[2] ?? "/",
    ...optional("acceptEncoding", fields.get("accept-encoding")),
    ...optional("ifNoneMatch", fields.get("if-none-match")),
    ...optional("ifModifiedSince", fields.get("if-modified-since")),
    close: /(?:^|,)\s*close\s*(?:,|$)/i.test(fields.get("connection") ?? ""),
  };
}
