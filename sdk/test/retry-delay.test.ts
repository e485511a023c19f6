/** Trigger.dev's retry defaults and backoff formula: min(max, (randomize ? 1 + rand : 1) * min * factor^(attempt-1)). */
import { describe, expect, it } from "vitest";
import { defaultRetryOptions, retryDelayMs } from "../src/core/retry.js";

describe("retry delay", () => {
  it("uses Trigger's defaults", () => {
    expect(defaultRetryOptions).toEqual({
      maxAttempts: 3,
      factor: 2,
      minTimeoutInMs: 1_000,
      maxTimeoutInMs: 60_000,
      randomize: true,
    });
  });

  it("grows by factor^(attempt-1) and caps at maxTimeoutInMs", () => {
    const options = { minTimeoutInMs: 100, factor: 3, maxTimeoutInMs: 2_000, randomize: false };
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(options, attempt))).toEqual([100, 300, 900, 2_000]);
  });

  it("randomize multiplies by 1 + a random fraction", () => {
    expect(retryDelayMs({ minTimeoutInMs: 1_000 }, 1, () => 0.5)).toBe(1_500);
    expect(retryDelayMs({ minTimeoutInMs: 1_000 }, 2, () => 0)).toBe(2_000);
    expect(retryDelayMs({ minTimeoutInMs: 1_000 }, 1, () => 0.999)).toBeLessThan(2_000);
  });
});
