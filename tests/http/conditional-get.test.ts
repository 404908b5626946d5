import { describe, expect, it } from "vitest";
import { isNotModified } from "../../src/http/conditional-get.js";

const etags = ['"abc"', '"abc-gz"', '"abc-br"'];
const lastModified = Date.parse("2026-11-25T10:00:00.500Z");

describe("isNotModified (RFC 9110 §13.1)", () => {
  it("matches a listed strong tag, a weak form of it, and `*`", () => {
    expect(isNotModified({ "if-none-match": '"abc"' }, etags, lastModified)).toBe(true);
    expect(isNotModified({ "if-none-match": 'W/"abc-gz"' }, etags, lastModified)).toBe(true);
    expect(isNotModified({ "if-none-match": '"zzz", "abc-br"' }, etags, lastModified)).toBe(true);
    expect(isNotModified({ "if-none-match": "*" }, etags, lastModified)).toBe(true);
  });

  it("does not match other tags", () => {
    expect(isNotModified({ "if-none-match": '"abd"' }, etags, lastModified)).toBe(false);
    expect(isNotModified({ "if-none-match": "abc" }, etags, lastModified)).toBe(false);
  });

  it("ignores If-Modified-Since when If-None-Match is present (§13.2.2)", () => {
    const headers = { "if-none-match": '"other"', "if-modified-since": "Wed, 25 Nov 2026 11:00:00 GMT" };
    expect(isNotModified(headers, etags, lastModified)).toBe(false);
  });

  it("compares If-Modified-Since at one-second resolution", () => {
    expect(isNotModified({ "if-modified-since": "Wed, 25 Nov 2026 10:00:00 GMT" }, etags, lastModified)).toBe(true);
    expect(isNotModified({ "if-modified-since": "Wed, 25 Nov 2026 09:59:59 GMT" }, etags, lastModified)).toBe(false);
    expect(isNotModified({ "if-modified-since": "not a date" }, etags, lastModified)).toBe(false);
    expect(isNotModified({ "if-modified-since": "Wed, 25 Nov 2026 10:00:00 GMT" }, etags, undefined)).toBe(false);
  });
});
