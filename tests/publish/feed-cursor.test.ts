import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor } from "../../src/publish/feed-cursor.js";

describe("feed cursor (the `before` of a next link)", () => {
  it.each([
    { published: 1_764_500_000_000, id: "https://example.org/story?id=1&x=é" },
    { published: 0, id: "urn:sha256:abc" },
    { published: -5, id: "101" },
  ])("round-trips $id through a query-safe string", (cursor) => {
    const text = encodeCursor(cursor);
    expect(text).toMatch(/^-?\d+_[A-Za-z0-9_-]+$/);
    expect(decodeCursor(text)).toEqual(cursor);
  });

  it.each(["", "nonsense", "12_", "_aGk", "1.5_aGk", "12_aGk=", "12_a b", "99999999999999999_aGk"])(
    "refuses %j",
    (text) => {
      expect(decodeCursor(text)).toBeUndefined();
    },
  );
});
