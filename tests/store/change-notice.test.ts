import { describe, expect, it } from "vitest";
import { decodeChange, encodeChange } from "../../src/store/postgres/change-notice.js";
import { changeEntry } from "../../src/store/rows/change-log.js";

describe("PostgreSQL change notice payload", () => {
  it("round-trips the revision and changed categories, and tells the writer's own watcher it is ours", () => {
    const payload = encodeChange(changeEntry(42, ["world", "morocco-economy"], "writer-a", 1));
    expect(decodeChange(payload, "writer-b")).toEqual({
      revision: 42,
      categories: ["morocco-economy", "world"],
      ours: false,
    });
    expect(decodeChange(payload, "writer-a")).toEqual({
      revision: 42,
      categories: ["morocco-economy", "world"],
      ours: true,
    });
  });

  it("says 'every category' instead of exceeding NOTIFY's 8000-byte payload limit", () => {
    const long = Array.from({ length: 90 }, (_, n) => `category-number-${n}-${"x".repeat(80)}`);
    const payload = encodeChange({ revision: 7, categories: long, everyCategory: false, writer: "w", at: 1 });
    expect(Buffer.byteLength(payload)).toBeLessThan(8_000);
    expect(decodeChange(payload, "w")).toEqual({ revision: 7, categories: [], everyCategory: true, ours: true });
  });

  it("ignores payloads it did not write", () => {
    for (const payload of [
      undefined,
      "",
      "hello",
      "null",
      "[]",
      '{"revision":1,"categories":[]}',
      '{"revision":"1","categories":[],"writer":"w"}',
      '{"revision":1,"categories":[1],"writer":"w"}',
      '{"revision":1.5,"categories":[],"writer":"w"}',
    ]) {
      expect(decodeChange(payload, "w")).toBeUndefined();
    }
  });
});
