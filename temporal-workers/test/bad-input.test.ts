/** Bad input gets a clear error naming the field (an EngineError with an HTTP status), and nothing is started. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runs, task } from "@stint/sdk";
import { startTestEngine, type TestEngine } from "./harness/index.js";

task({ id: "bad-input-known", run: async () => "ok" });

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine();
});
afterAll(async () => t?.stop());

describe("bad input", () => {
  it("trigger: each bad field is a 400 naming the field", async () => {
    const cases: [unknown, RegExp][] = [
      [{ task: "", payload: {} }, /body\.task: task id is required/],
      [{ task: "bad-input-known", payload: {}, options: { delay: "tomorrow" } }, /body\.options\.delay/],
      [{ task: "bad-input-known", payload: {}, options: { ttl: "forever" } }, /body\.options\.ttl/],
      [{ task: "bad-input-known", payload: {}, options: { tags: Array.from({ length: 11 }, (_, i) => `t${i}`) } }, /body\.options\.tags: at most 10 tags/],
      [{ task: "bad-input-known", payload: {}, options: { maxAttempts: 0 } }, /body\.options\.maxAttempts: maxAttempts must be at least 1/],
      [{ task: "bad-input-known", payload: {}, options: { maxDuration: 1 } }, /body\.options\.maxDuration: maxDuration is in seconds and must be at least 5/],
    ];
    for (const [item, message] of cases) {
      await expect(t.engine.trigger(item as never)).rejects.toMatchObject({ name: "EngineError", status: 400, message: expect.stringMatching(message) });
    }
  });

  it("run ids are checked before any lookup; unknown runs are 404", async () => {
    await expect(runs.retrieve("not-a-run")).rejects.toThrow(/expected a run id/);
    await expect(t.engine.retrieveRun("run_; drop")).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/runId: expected a run id/) });
    await expect(t.engine.retrieveRun("run_000000000000000000000000")).rejects.toMatchObject({ status: 404 });
    await expect(t.engine.cancelRun("run_000000000000000000000000")).rejects.toMatchObject({ status: 404 });
  });

  it("a task no worker registered ends SYSTEM_FAILURE with a message naming it", async () => {
    const handle = await t.engine.trigger({ task: "no-such-task", payload: {} });
    const state = await t.waitForRun(handle.id);
    expect(state.status).toBe("SYSTEM_FAILURE");
    expect(state.error?.message).toMatch(/Task "no-such-task" is not registered/);
  });
});
