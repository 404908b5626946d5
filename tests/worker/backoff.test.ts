import { describe, expect, it } from "vitest";
import { nextAttemptAfterFailure } from "../../src/worker/backoff.js";

const policy = { baseMs: 60_000, capMs: 3_600_000 };

describe("nextAttemptAfterFailure", () => {
  it("doubles with each failure, within equal jitter bounds", () => {
    expect(nextAttemptAfterFailure(0, 1, policy, () => 0)).toBe(30_000);
    expect(nextAttemptAfterFailure(0, 1, policy, () => 1)).toBe(60_000);
    expect(nextAttemptAfterFailure(0, 3, policy, () => 1)).toBe(240_000);
  });

  it("is capped", () => {
    expect(nextAttemptAfterFailure(0, 50, policy, () => 1)).toBe(3_600_000);
  });

  it("waits at least as long as Retry-After asks", () => {
    expect(nextAttemptAfterFailure(1000, 1, policy, () => 0, 7_200_000)).toBe(7_201_000);
  });
});

describe("nextAttemptAfterFailure regression", () => {
  it("returns whole milliseconds (bug: a fractional time made SQLite refuse the failure record)", () => {
    const at = nextAttemptAfterFailure(1_795_585_189_649, 1, policy, () => 0.123456789);
    expect(Number.isInteger(at)).toBe(true);
  });
});
