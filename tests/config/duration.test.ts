import { describe, expect, it } from "vitest";
import { formatDuration, parseByteSize, parseDuration } from "../../src/config/duration.js";

describe("parseDuration", () => {
  it.each([
    ["30s", 30_000],
    ["10m", 600_000],
    ["1h", 3_600_000],
    ["1d", 86_400_000],
    ["90d", 7_776_000_000],
  ])("reads %s as %d ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(["", "0s", "10", "1.5h", "10 m", "1w", "-1m", "1H", "m", "10ms", " 10m", "1h30m", "010m"])(
    "rejects %j",
    (text) => {
      expect(parseDuration(text)).toBeUndefined();
    },
  );
});

describe("parseByteSize", () => {
  it.each([
    ["512B", 512],
    ["64KB", 65_536],
    ["10MB", 10_485_760],
    ["1GB", 1_073_741_824],
  ])("reads %s as %d bytes", (text, bytes) => {
    expect(parseByteSize(text)).toBe(bytes);
  });

  it.each(["10", "10mb", "1.5MB", "0MB", "10 MB", "1TB"])("rejects %j", (text) => {
    expect(parseByteSize(text)).toBeUndefined();
  });
});

describe("formatDuration", () => {
  it("spells a duration as the config does, in the largest unit that divides it", () => {
    expect([30_000, 600_000, 90_000, 3_600_000, 86_400_000, 172_800_000].map(formatDuration)).toEqual([
      "30s",
      "10m",
      "90s",
      "1h",
      "1d",
      "2d",
    ]);
    for (const text of ["45s", "10m", "36h", "7d"]) expect(formatDuration(parseDuration(text) ?? 0)).toBe(text);
  });
});
