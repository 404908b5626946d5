import { describe, expect, it } from "vitest";
import { isNotModified } from "../../src/http/conditional-get.js";

const etag = '"abc-gz"';
const lastModified = Date.parse("2026-11-25T10:00:00.500Z");

describe("isNotModified (RFC 9110 §13.1)", () => {
  it("matches the tag, a weak form of it, the tag in a list, and `*`", () => {
    expect(isNotModified({ "if-none-match": '"abc-gz"' }, etag, lastModified)).toBe(true);
    expect(isNotModified({ "if-none-match": 'W/"abc-gz"' }, etag, lastModified)).toBe(true);
    expect(isNotModified({ "if-none-match": '"zzz",  "abc-gz" , "x"' }, etag, lastModified)).toBe(true);
    expect(isNotModified({ "if-none-match": "*" }, etag, lastModified)).toBe(true);
  });

  it("does not match other tags, another coding's included", () => {
    expect(isNotModified({ "if-none-match": '"abd"' }, etag, lastModified)).toBe(false);
    expect(isNotModified({ "if-none-match": "abc-gz" }, etag, lastModified)).toBe(false);
    expect(isNotModified({ "if-none-match": '"abc", "abc-br"' }, etag, lastModified)).toBe(false);
    expect(isNotModified({ "if-none-match": "" }, etag, lastModified)).toBe(false);
  });

  it("ignores If-Modified-Since when If-None-Match is present (§13.2.2)", () => {
    const headers = { "if-none-match": '"other"', "if-modified-since": "Wed, 25 Nov 2026 11:00:00 GMT" };
    expect(isNotModified(headers, etag, lastModified)).toBe(false);
  });

  it("compares If-Modified-Since at one-second resolution", () => {
    expect(isNotModified({ "if-modified-since": "Wed, 25 Nov 2026 10:00:00 GMT" }, etag, lastModified)).toBe(true);
    expect(isNotModified({ "if-modified-since": "Wed, 25 Nov 2026 09:59:59 GMT" }, etag, lastModified)).toBe(false);
    expect(isNotModified({ "if-modified-since": "not a date" }, etag, lastModified)).toBe(false);
    expect(isNotModified({ "if-modified-since": "Wed, 25 Nov 2026 10:00:00 GMT" }, etag, undefined)).toBe(false);
  });
});
