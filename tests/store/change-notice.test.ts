import { describe, expect, it } from "vitest";
import { decodeChange, encodeChange } from "../../src/store/postgres/change-notice.js";

describe("PostgreSQL change notice payload", () => {
  it("round-trips the revision and changed categories", () => {
    expect(decodeChange(encodeChange(42, ["morocco-economy", "world"]))).toEqual({
      revision: 42,
      categories: ["morocco-economy", "world"],
    });
  });

  it("says 'every category' instead of exceeding NOTIFY's 8000-byte payload limit", () => {
    const many = Array.from({ length: 400 }, (_, n) => `category-number-${n}`);
    const payload = encodeChange(7, many);
    expect(Buffer.byteLength(payload)).toBeLessThan(8_000);
    expect(decodeChange(payload)).toEqual({ revision: 7, categories: [], everyCategory: true });
  });

  it("ignores payloads it did not write", () => {
    for (const payload of [
      undefined,
      "",
      "hello",
      "null",
      "[]",
      '{"revision":"1","categories":[]}',
      '{"revision":1,"categories":[1]}',
      '{"revision":1.5,"categories":[]}',
    ]) {
      expect(decodeChange(payload)).toBeUndefined();
    }
  });
});
