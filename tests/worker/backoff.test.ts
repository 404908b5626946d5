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
    expect(nextAttemptAfterFailure(1000, 1, policy, () => 0, 1_800_000)).toBe(1_801_000);
  });
});

describe("nextAttemptAfterFailure regression", () => {
  it("returns whole milliseconds (bug: a fractional time made SQLite refuse the failure record)", () => {
    const at = nextAttemptAfterFailure(1_795_585_189_649, 1, policy, () => 0.123456789);
    expect(Number.isInteger(at)).toBe(true);
  });

  it("clamps an upstream Retry-After to the cap (bug: a Retry-After of a week silenced a source past the configured cap)", () => {
    const week = 7 * 86_400_000;
    expect(nextAttemptAfterFailure(1000, 1, policy, () => 0, week)).toBe(1000 + policy.capMs);
    expect(nextAttemptAfterFailure(1000, 1, { baseMs: 60_000, capMs: 6 * 3_600_000 }, () => 0, week)).toBe(
      1000 + 6 * 3_600_000,
    );
  });
});
