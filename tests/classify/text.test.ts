import { describe, expect, it } from "vitest";
import { foldTag, tokenize } from "../../src/classify/text.js";

describe("tokenize", () => {
  it("folds case and accents and splits on anything but letters and digits", () => {
    expect(tokenize("Société Générale Maroc: Erdoğan, Zürich & São Paulo")).toEqual([
      "societe",
      "generale",
      "maroc",
      "erdogan",
      "zurich",
      "sao",
      "paulo",
    ]);
  });

  it("joins dotted acronyms and drops the English possessive", () => {
    expect(tokenize("U.S. and U.N. meet; Morocco's GDP, Morocco’s debt")).toEqual([
      "us",
      "and",
      "un",
      "meet",
      "morocco",
      "gdp",
      "morocco",
      "debt",
    ]);
  });

  it("keeps non-Latin letters and digits", () => {
    expect(tokenize("المغرب 2030 5G")).toEqual(["المغرب", "2030", "5g"]);
  });
});

describe("foldTag", () => {
  it("collapses whitespace and punctuation", () => {
    expect(foldTag("  Économie / Business  ")).toBe("economie business");
  });
});
