import { describe, expect, it } from "vitest";
import { looksLikeHtml } from "../../src/sources/html-text.js";

describe("looksLikeHtml", () => {
  it.each([
    ['<a href="https://example.org/">x</a>', true],
    ["<img src=x alt=y>", true],
    ['<p class="lead" id=a>', true],
    ["<br/>", true],
    ["<b>", true],
    ["Use a<b and c>d", false],
    ["x<y", false],
    ["<a x=1 <b", false],
    // A run of `=` inside what looks like a tag: read in one pass (once quadratic in its length).
    [`<a ${"=".repeat(100_000)}`, false],
    [`<a ${"=".repeat(100_000)}>`, true],
  ])("%#: %j is %s", (text, expected) => {
    expect(looksLikeHtml(text)).toBe(expected);
  });
});
