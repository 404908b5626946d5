import { describe, expect, it } from "vitest";
import { chooseCoding } from "../../src/http/content-coding.js";

describe("chooseCoding", () => {
  it("prefers br, then gzip, else identity", () => {
    expect(chooseCoding("gzip, deflate, br")).toBe("br");
    expect(chooseCoding("gzip, deflate")).toBe("gzip");
    expect(chooseCoding(undefined)).toBe("identity");
    expect(chooseCoding("deflate")).toBe("identity");
  });

  it("honours q=0 and wildcards", () => {
    expect(chooseCoding("br;q=0, gzip")).toBe("gzip");
    expect(chooseCoding("*")).toBe("br");
    expect(chooseCoding("*, br;q=0, gzip;q=0")).toBe("identity");
  });
});
