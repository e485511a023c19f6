/** Bad input gets a clear error naming the field (an EngineError with an HTTP status), and nothing is started. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runs, task } from "@stint/sdk";
import { startTestEngine, type TestEngine } from "./harness/index.js";

task({ id: "bad-input-known", run: async () => "ok" });
task({ id: "bad-input-huge-output", run: async () => ({ text: "y".repeat(10.5 * 1024 * 1024) }) });
task({
  id: "bad-input-unserializable-output",
  run: async () => ({
    report: {
      toJSON: () => {
        throw new Error("a socket cannot be serialized");
      },
    },
  }),
});

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
      [
        { task: "bad-input-known", payload: {}, options: { tags: Array.from({ length: 11 }, (_, i) => `t${i}`) } },
        /body\.options\.tags: at most 10 tags/,
      ],
      [
        { task: "bad-input-known", payload: {}, options: { maxAttempts: 0 } },
        /body\.options\.maxAttempts: maxAttempts must be at least 1/,
      ],
      [
        { task: "bad-input-known", payload: {}, options: { maxDuration: 1 } },
        /body\.options\.maxDuration: maxDuration is in seconds and must be at least 5/,
      ],
    ];
    for (const [item, message] of cases) {
      await expect(t.engine.trigger(item as never)).rejects.toMatchObject({
        name: "EngineError",
        status: 400,
        message: expect.stringMatching(message),
      });
    }
  });

  it("a payload over Trigger.dev's 10 MB limit is a 413 naming the limit; a batch with one starts nothing", async () => {
    const big = { text: "x".repeat(11 * 1024 * 1024) };
    await expect(t.engine.trigger({ task: "bad-input-known", payload: big })).rejects.toMatchObject({
      status: 413,
      message: expect.stringMatching(/payload: 11\.0 MB is over the 10 MB limit/),
    });
    const before = (await t.engine.listRuns({ taskIdentifier: ["bad-input-known"] })).data.length;
    await expect(
      t.engine.batchTrigger([
        { task: "bad-input-known", payload: {} },
        { task: "bad-input-known", payload: big },
      ]),
    ).rejects.toMatchObject({
      status: 413,
      message: expect.stringMatching(/items\.1\.payload/),
    });
    // Just under the limit is fine (stored in the object store; the run carries a reference).
    const handle = await t.engine.trigger({
      task: "bad-input-known",
      payload: { text: "x".repeat(9.9 * 1024 * 1024) },
    });
    expect((await t.waitForRun(handle.id)).status).toBe("COMPLETED");
    await new Promise((r) => setTimeout(r, 1500));
    expect((await t.engine.listRuns({ taskIdentifier: ["bad-input-known"] })).data.length).toBe(before + 1);
  });

  it("an output over the limit fails the run with a message naming it, instead of a run that can never finish", async () => {
    const handle = await t.engine.trigger({ task: "bad-input-huge-output", payload: {} });
    const state = await t.waitForRun(handle.id);
    expect(state.status).toBe("FAILED");
    expect(state.error).toMatchObject({
      name: "OutputTooLarge",
      message: expect.stringMatching(/output: 10\.5 MB is over the 10 MB limit/),
    });
    expect(state.attemptCount).toBe(1);
  });

  it("an output that cannot be serialized fails the run once with a message, instead of retrying its completion forever", async () => {
    const handle = await t.engine.trigger({ task: "bad-input-unserializable-output", payload: {} });
    const state = await t.waitForRun(handle.id);
    expect(state.status).toBe("FAILED");
    expect(state.error).toMatchObject({
      name: "OutputNotSerializable",
      message: expect.stringMatching(/^output: cannot be serialized \(a socket cannot be serialized\)/),
    });
    expect(state.attemptCount).toBe(1);
  });

  it("run ids are checked before any lookup; unknown runs are 404", async () => {
    await expect(runs.retrieve("not-a-run")).rejects.toThrow(/expected a run id/);
    await expect(t.engine.retrieveRun("run_; drop")).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/runId: expected a run id/),
    });
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
