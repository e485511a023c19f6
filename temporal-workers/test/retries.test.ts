/** Retries: Trigger's defaults and backoff, maxAttempts overrides, catchError decisions, retries disabled. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { task } from "@stint/sdk";
import { startTestEngine, type TestEngine } from "./harness/index.js";

const attemptsSeen: Record<string, { attempt: number; at: number }[]> = {};
const record = (runId: string, attempt: number) => (attemptsSeen[runId] ??= []).push({ attempt, at: Date.now() });

const flaky = task({
  id: "retries-flaky",
  retry: { maxAttempts: 4, minTimeoutInMs: 200, factor: 2, randomize: false },
  run: async (payload: { succeedOn: number }, { ctx }) => {
    record(ctx.run.id, ctx.attempt.number);
    if (ctx.attempt.number < payload.succeedOn) throw new Error(`attempt ${ctx.attempt.number} failed`);
    return { attempt: ctx.attempt.number };
  },
});

const defaults = task({
  id: "retries-defaults",
  retry: { minTimeoutInMs: 100, maxTimeoutInMs: 200 },
  run: async (_: void, { ctx }) => {
    record(ctx.run.id, ctx.attempt.number);
    throw new Error("always");
  },
});

const handled = task({
  id: "retries-catch-error",
  retry: { maxAttempts: 5, minTimeoutInMs: 50, randomize: false },
  run: async (payload: { mode: "fatal" | "slow" }, { ctx }) => {
    record(ctx.run.id, ctx.attempt.number);
    if (payload.mode === "fatal" || ctx.attempt.number < 3)
      throw new Error(payload.mode === "fatal" ? "fatal" : "slow");
    return "ok";
  },
  catchError: async ({ error, ctx }) => {
    if ((error as Error).message === "fatal") return { skipRetrying: true, error: new Error("fatal (wrapped)") };
    if (ctx.attempt.number === 1) return { retryDelayInMs: 3_000 };
    return undefined;
  },
});

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine();
});
afterAll(async () => t?.stop());

describe("retries", () => {
  it("retries with min * factor^(attempt-1) backoff until an attempt succeeds", async () => {
    const handle = await flaky.trigger({ succeedOn: 3 });
    const state = await t.waitForRun(handle.id);
    expect(state.status).toBe("COMPLETED");
    expect(state.output).toEqual({ attempt: 3 });
    expect(state.attempts.map((a) => a.status)).toEqual(["FAILED", "FAILED", "COMPLETED"]);
    const seen = attemptsSeen[handle.id]!;
    expect(seen.map((s) => s.attempt)).toEqual([1, 2, 3]);
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(190);
    expect(seen[2]!.at - seen[1]!.at).toBeGreaterThanOrEqual(390);
  });

  it("defaults to 3 attempts, then FAILED with the last error", async () => {
    const handle = await defaults.trigger();
    const state = await t.waitForRun(handle.id);
    expect(state.status).toBe("FAILED");
    expect(state.attemptCount).toBe(3);
    expect(state.error?.message).toBe("always");
  });

  it("the maxAttempts trigger option overrides the task's retry.maxAttempts", async () => {
    const handle = await flaky.trigger({ succeedOn: 10 }, { maxAttempts: 2 });
    const state = await t.waitForRun(handle.id);
    expect(state.status).toBe("FAILED");
    expect(state.attemptCount).toBe(2);
  });

  it("catchError can skip retrying (replacing the error) or set the delay", async () => {
    const fatal = await t.waitForRun((await handled.trigger({ mode: "fatal" })).id);
    expect(fatal.status).toBe("FAILED");
    expect(fatal.attemptCount).toBe(1);
    expect(fatal.error?.message).toBe("fatal (wrapped)");

    const slow = await handled.trigger({ mode: "slow" });
    const state = await t.waitForRun(slow.id);
    expect(state.output).toBe("ok");
    const seen = attemptsSeen[slow.id]!;
    // Temporal timers fire with about one second of granularity, so compare 3 s against the 100 ms default.
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(2_950);
    expect(seen[2]!.at - seen[1]!.at).toBeLessThan(2_000);
  });

  it("with retries disabled (Trigger's dev default) a failure is final after one attempt", async () => {
    const noRetries = await startTestEngine({ retriesEnabled: false });
    try {
      const handle = await flaky.trigger({ succeedOn: 2 });
      const state = await noRetries.waitForRun(handle.id);
      expect(state.status).toBe("FAILED");
      expect(state.attemptCount).toBe(1);
    } finally {
      await noRetries.stop();
    }
  });
});
