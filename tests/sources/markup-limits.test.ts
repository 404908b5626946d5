import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FRAGMENT_LIMITS, markupProblem, PAGE_LIMITS } from "../../src/sources/markup-limits.js";
import { FIXTURES } from "./html-fixture-server.js";

const deep = (depth: number, tag = "div"): string => `<${tag}>`.repeat(depth) + "x" + `</${tag}>`.repeat(depth);

describe("markupProblem", () => {
  it("refuses nesting deeper than the limit, however it is spelled", () => {
    expect(markupProblem(deep(50_000), PAGE_LIMITS)).toBe("elements nested more than 512 deep");
    expect(markupProblem("<b>".repeat(600), FRAGMENT_LIMITS)).toBe("elements nested more than 512 deep");
    // In HTML `<div/>` opens a div: a parser nests these.
    expect(markupProblem("<div/>".repeat(600), PAGE_LIMITS)).toBe("elements nested more than 512 deep");
    expect(markupProblem(`<span class="a>b" title='<'>`.repeat(600), PAGE_LIMITS)).toBe(
      "elements nested more than 512 deep",
    );
  });

  it("accepts depth up to the limit", () => {
    expect(markupProblem(deep(512), PAGE_LIMITS)).toBeUndefined();
    expect(markupProblem(deep(513), PAGE_LIMITS)).toBeDefined();
  });

  it("refuses more elements than the limit", () => {
    expect(markupProblem("<br>".repeat(5_001), FRAGMENT_LIMITS)).toBe("more than 5000 elements");
    expect(markupProblem("<br>".repeat(5_001), PAGE_LIMITS)).toBeUndefined();
  });

  it("closes what a browser closes: optional end tags, void elements, self-closing foreign elements", () => {
    const sloppy = [
      "<ul>" + "<li>one<p>para".repeat(2_000) + "</ul>",
      "<table>" + "<tr><td>a<td>b".repeat(2_000) + "</table>",
      "<dl>" + "<dt>t<dd>d".repeat(2_000) + "</dl>",
      "<select>" + "<option>o".repeat(2_000) + "</select>",
      "<p>" + "<img src=x><br><input>".repeat(2_000),
      "<svg>" + "<path d='M0'/>".repeat(2_000) + "</svg>",
      "<p>" + '<a href="/x">link'.repeat(2_000),
    ];
    for (const html of sloppy) expect(markupProblem(html, PAGE_LIMITS)).toBeUndefined();
  });

  it("does not read tags inside script, style, comments or text", () => {
    const hidden = [
      `<script>var s = "${"<div>".repeat(2_000)}";</script>`,
      `<style>/* ${"<div>".repeat(2_000)} */</style>`,
      `<!-- ${"<div>".repeat(2_000)} -->`,
      `<textarea>${"<div>".repeat(2_000)}</textarea>`,
      `${"a < b and 1<2 ".repeat(2_000)}`,
    ];
    for (const html of hidden) expect(markupProblem(html, PAGE_LIMITS)).toBeUndefined();
  });

  it("passes every HTML fixture page", () => {
    const pages = readdirSync(FIXTURES).filter((file) => file.endsWith(".html"));
    expect(pages.length).toBeGreaterThan(5);
    for (const page of pages)
      expect({ page, problem: markupProblem(readFileSync(path.join(FIXTURES, page), "latin1"), PAGE_LIMITS) }).toEqual({
        page,
        problem: undefined,
      });
  });

  it("costs one linear pass over a large hostile string", () => {
    // Unterminated quotes and tags: each must be scanned once, not once per `<`.
    const hostile = `<a title='${"<b x=".repeat(200_000)}`;
    expect(markupProblem(hostile, PAGE_LIMITS)).toBeUndefined();
    expect(markupProblem("<a".repeat(300_000), PAGE_LIMITS)).toBeUndefined();
  });
});
