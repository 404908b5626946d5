import { corpusDir } from "../corpus-dir.js";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { decodeText } from "../../src/sources/decode.js";

const corpus = path.join(corpusDir(), "feeds");
const file = (name: string): Buffer => readFileSync(path.join(corpus, name));

describe("decodeText on corpus feeds", () => {
  it.each([
    // [file, expected encoding, text the decoded document must contain]
    ["rss2-dotnet-a10-bom.xml", "utf-8", "<rss"], // UTF-8 BOM
    ["rss-utf16le-bom.xml", "utf-16le", "Wellformed UTF-16"], // UTF-16LE BOM, encoding="utf-16"
    ["rss2-utf16be-nobom-nodecl.xml", "utf-16be", "Test feed title 1"], // UTF-16BE by the 00 3C pattern
    ["rss2-koi8r.xml", "koi8-r", "Первая новость"], // declared KOI8-R
    ["rss2-oren-windows1251.xml", "windows-1251", "Бузулуке"], // declared windows-1251
    ["rss2-golem-iso8859-1.xml", "windows-1252", "für"], // ISO-8859-1 is decoded as its superset windows-1252 (WHATWG)
    ["rss2-windows1252-euro.xml", "windows-1252", "€"], // 0x80 is the euro sign
    ["rss-uol-noticias-nodecl-latin1.xml", "windows-1252", "simulações"], // no declaration, not UTF-8: fallback
    ["malformed-encdecl-cp1252-but-utf8.xml", "utf-8", "€"], // declared windows-1252, bytes are UTF-8
    ["rss2-mediacontent-dupes-latin1decl-utf8bytes.xml", "utf-8", "©"], // declared ISO-8859-1, bytes are UTF-8
    ["malformed-encdecl-invalid-name.xml", "utf-8", "Café"], // encoding="invalid": ignored, bytes are UTF-8
    ["json1-daringfireball.json", "utf-8", "Daring Fireball"],
  ] as const)("%s → %s", (name, encoding, sample) => {
    const format = name.endsWith(".json") ? "json" : "xml";
    const decoded = decodeText(file(name), { format });
    expect(decoded.encoding).toBe(encoding);
    expect(decoded.text).toContain(sample);
    expect(decoded.text.charCodeAt(0)).not.toBe(0xfeff);
    expect(decoded.text).not.toContain("\uFFFD");
  });

  it("drops the XML declaration's encoding so a parser does not decode the text again", () => {
    const { text } = decodeText(file("rss-utf16le-bom.xml"), { format: "xml" });
    expect(text.startsWith('<?xml version="1.0"?>')).toBe(true);
    expect(decodeText(file("rss2-koi8r.xml"), { format: "xml" }).text).not.toMatch(/encoding=/);
  });

  it("uses the Content-Type charset when the document declares nothing", () => {
    // atom10-shiftjis-nodecl.xml has no declaration: without a charset it can only fall back to windows-1252.
    const bytes = file("atom10-shiftjis-nodecl.xml");
    expect(decodeText(bytes, { format: "xml" }).encoding).toBe("windows-1252");
    const decoded = decodeText(bytes, { format: "xml", contentType: "application/atom+xml; charset=Shift_JIS" });
    expect(decoded.encoding).toBe("shift_jis");
    expect(decoded.text).toContain("DrecomRSSに記事投稿が反映されない");
  });

  it("prefers the XML declaration over the Content-Type charset", () => {
    const decoded = decodeText(file("rss2-koi8r.xml"), { format: "xml", contentType: "text/xml; charset=utf-8" });
    expect(decoded.encoding).toBe("koi8-r");
  });

  it("keeps a declared-UTF-8 document with invalid bytes, replacing only those bytes", () => {
    const decoded = decodeText(file("rss2-linenoise-badbytes.xml"), { format: "xml" });
    expect(decoded.encoding).toBe("utf-8");
    expect(decoded.text).toContain("’<>”\uFFFD");
  });

  it("reads a windows-1252 document declared UTF-8 as windows-1252 (no valid UTF-8 sequence in it)", () => {
    const bytes = Buffer.concat([
      Buffer.from('<?xml version="1.0" encoding="utf-8"?><t>d'),
      Buffer.from([0x92, 0x45, 0x72, 0x66, 0x6f, 0x75, 0x64, 0x20, 0xe9]),
      Buffer.from("</t>"),
    ]);
    expect(decodeText(bytes, { format: "xml" })).toEqual({
      text: '<?xml version="1.0"?><t>d’Erfoud é</t>',
      encoding: "windows-1252",
    });
  });

  it("finds the declaration after a leading comment", () => {
    const bytes = Buffer.concat([
      Buffer.from('<!-- x -->\n<?xml version="1.0" encoding="koi8-r"?><rss>'),
      Buffer.from([0xf0, 0xd2]),
    ]);
    expect(decodeText(bytes, { format: "xml" })).toEqual({
      text: '<!-- x -->\n<?xml version="1.0"?><rss>Пр',
      encoding: "koi8-r",
    });
  });
});

describe("decodeText windows-1252", () => {
  it("maps 0x80–0x9F to windows-1252 characters (regression: Node 20 TextDecoder decodes them as C1 controls)", () => {
    const bytes = Buffer.concat([
      Buffer.from('<?xml version="1.0" encoding="windows-1252"?><t>'),
      Buffer.from([0x80, 0x20, 0x92, 0x97, 0xe9]),
      Buffer.from("</t>"),
    ]);
    expect(decodeText(bytes, { format: "xml" }).text).toBe('<?xml version="1.0"?><t>€ ’—é</t>');
  });
});

describe("decodeText on HTML", () => {
  const latin1Page = (head: string): Buffer =>
    Buffer.concat([Buffer.from(`<html><head>${head}</head><body>`), Buffer.from([0x63, 0x61, 0x66, 0xe9])]);

  it("reads <meta charset>", () => {
    expect(decodeText(latin1Page('<meta charset="iso-8859-1">'), { format: "html" })).toMatchObject({
      encoding: "windows-1252",
    });
  });

  it("reads <meta http-equiv=Content-Type>", () => {
    const decoded = decodeText(
      latin1Page('<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'),
      { format: "html" },
    );
    expect(decoded.encoding).toBe("windows-1251");
  });

  it("treats UTF-8 bytes under a legacy meta charset as UTF-8", () => {
    const bytes = Buffer.from('<html><head><meta charset="windows-1252"></head><body>café €</body></html>');
    expect(decodeText(bytes, { format: "html" })).toMatchObject({
      encoding: "utf-8",
      text: expect.stringContaining("café €") as unknown,
    });
  });
});
