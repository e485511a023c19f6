import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runs, task, tasks } from "@stint/sdk";
import { startTestEngine, type TestEngine } from "../test/harness/index.js";

const hello = task({
  id: "trigger-hello",
  run: async (payload: { name: string }, { ctx }) => ({
    greeting: `hello ${payload.name}`,
    runId: ctx.run.id,
    attempt: ctx.attempt.number,
  }),
});

const failing = task({
  id: "trigger-failing",
  retry: { maxAttempts: 1 },
  run: async () => {
    throw new Error("boom");
  },
});

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine();
});
afterAll(async () => t?.stop());

describe("trigger", () => {
  it("runs a task to COMPLETED with its output", async () => {
    const handle = await hello.trigger({ name: "ada" });
    expect(handle.id).toMatch(/^run_[a-z0-9]{24}$/);
    const state = await t.waitForRun(handle.id);
    expect(state.status).toBe("COMPLETED");
    expect(state.output).toEqual({ greeting: "hello ada", runId: handle.id, attempt: 1 });
    const run = await runs.retrieve(handle.id);
    expect(run.isSuccess).toBe(true);
    expect(run.output).toEqual(state.output);
    expect(run.payload).toEqual({ name: "ada" });
    // Trigger.dev's run shape has costs (0 in dev); Stint bills nothing, so they are 0 everywhere, never missing.
    expect({ costInCents: run.costInCents, baseCostInCents: run.baseCostInCents }).toEqual({
      costInCents: 0,
      baseCostInCents: 0,
    });
    expect(run.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("tasks.trigger by id works the same", async () => {
    const handle = await tasks.trigger<typeof hello>("trigger-hello", { name: "bob" });
    const state = await t.waitForRun(handle.id);
    expect(state.output).toMatchObject({ greeting: "hello bob" });
  });

  it("a throwing task ends FAILED with the error", async () => {
    const handle = await failing.trigger();
    const state = await t.waitForRun(handle.id);
    expect(state.status).toBe("FAILED");
    expect(state.error?.message).toBe("boom");
    expect(state.attemptCount).toBe(1);
  });
});

describe("trigger with attempts co-located on the engine's queue (stint dev)", () => {
  it("one worker serves runs and attempts", async () => {
    await t.stop();
    t = await startTestEngine({}, { colocated: true });
    // One worker polls the engine's queue for runs and attempts alike (queue gates get one only while open).
    const queues = t.workers.workers.map((w) => w.options.taskQueue);
    expect(queues).toEqual([t.engine.options.workflowTaskQueue]);
    const state = await t.waitForRun((await hello.trigger({ name: "co" })).id);
    expect(state.output).toMatchObject({ greeting: "hello co" });
    const failed = await t.waitForRun((await failing.trigger()).id);
    expect(failed.status).toBe("FAILED");
  });
});
