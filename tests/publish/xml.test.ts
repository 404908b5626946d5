import { describe, expect, it } from "vitest";
import { element, escapeAttribute, escapeText, optionalText, serializeDocument } from "../../src/publish/xml.js";

describe("escapeText", () => {
  it("escapes &, < and >, so `]]>` can never appear in character data", () => {
    expect(escapeText("a ]]> b ]]> & <c>")).toBe("a ]]&gt; b ]]&gt; &amp; &lt;c&gt;");
  });

  it("drops characters XML 1.0 §2.2 forbids, keeping tab, newline, CR and astral characters", () => {
    expect(escapeText("a\u0000b\u0008c\u000bd\u001fe\ufffff\ud800g\tx\ny\rz😀")).toBe("abcdefg\tx\ny\rz😀");
  });
});

describe("escapeAttribute", () => {
  it("also escapes both quotes and keeps whitespace through attribute-value normalization", () => {
    expect(escapeAttribute(`a="1"&b='2'\n\t<`)).toBe("a=&quot;1&quot;&amp;b=&apos;2&apos;&#10;&#9;&lt;");
  });
});

describe("element and serializeDocument", () => {
  it("drops undefined attributes and children and writes empty elements self-closed", () => {
    const doc = element("root", { a: "x&y", b: undefined, n: 0 }, [
      element("empty"),
      undefined,
      optionalText("skipped", ""),
      optionalText("kept", "t<"),
    ]);
    expect(serializeDocument(doc)).toBe(
      '<?xml version="1.0" encoding="utf-8"?>\n<root a="x&amp;y" n="0">\n  <empty/>\n  <kept>t&lt;</kept>\n</root>\n',
    );
  });
});
