/** triggerAndWait: the parent waits for its child's result; failures surface as results or SubtaskUnwrapError. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SubtaskUnwrapError, task, tasks } from "@stint/sdk";
import { startTestEngine, type TestEngine } from "./harness/index.js";

const double = task({ id: "taw-double", run: async (payload: { n: number }) => payload.n * 2 });
const broken = task({
  id: "taw-broken",
  retry: { maxAttempts: 1 },
  run: async (): Promise<number> => {
    throw new Error("child exploded");
  },
});
const describeChild = task({
  id: "taw-describe",
  run: async (_: void, { ctx }) => ({ id: ctx.run.id, parent: ctx.parentRunId, root: ctx.rootRunId }),
});

const parent = task({
  id: "taw-parent",
  run: async (payload: { n: number }) => {
    const ok = await double.triggerAndWait({ n: payload.n });
    const failed = await broken.triggerAndWait();
    const byId = await tasks.triggerAndWait<typeof double>("taw-double", { n: 10 }).unwrap();
    let unwrapError: { name: string; message: string; runId: string; taskId: string } | undefined;
    try {
      await broken.triggerAndWait().unwrap();
    } catch (error) {
      const e = error as SubtaskUnwrapError;
      unwrapError = { name: e.name, message: e.message, runId: e.runId, taskId: e.taskId };
    }
    return {
      ok: ok.ok ? { output: ok.output, id: ok.id, task: ok.taskIdentifier } : null,
      failed: failed.ok ? null : { message: (failed.error as Error).message, id: failed.id },
      byId,
      unwrapError,
    };
  },
});

const grandparent = task({
  id: "taw-grandparent",
  run: async (_: void, { ctx }) => {
    const middle = await middleTask.triggerAndWait().unwrap();
    return { self: ctx.run.id, middle };
  },
});
const middleTask = task({
  id: "taw-middle",
  run: async (_: void, { ctx }) => ({ self: ctx.run.id, leaf: await describeChild.triggerAndWait().unwrap() }),
});

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine();
});
afterAll(async () => t?.stop());

describe("triggerAndWait", () => {
  it("returns child outputs and failures in order; unwrap throws SubtaskUnwrapError", async () => {
    const handle = await parent.trigger({ n: 21 });
    const state = await t.waitForRun(handle.id);
    expect(state.status).toBe("COMPLETED");
    const out = state.output as {
      ok: { output: number; id: string; task: string };
      failed: { message: string; id: string };
      byId: number;
      unwrapError: { name: string; message: string; runId: string; taskId: string };
    };
    expect(out.ok).toMatchObject({ output: 42, task: "taw-double" });
    expect(out.failed.message).toBe("child exploded");
    expect(out.byId).toBe(20);
    expect(out.unwrapError).toMatchObject({ name: "SubtaskUnwrapError", taskId: "taw-broken" });
    expect(out.unwrapError.message).toContain("child exploded");
    expect(out.unwrapError.runId).toMatch(/^run_/);
    const child = await t.engine.runState(out.ok.id);
    expect(child).toMatchObject({
      parentRunId: handle.id,
      rootRunId: handle.id,
      depth: 1,
      triggerFunction: "triggerAndWait",
    });
    expect((await t.engine.runState(out.failed.id)).status).toBe("FAILED");
  });

  it("nested runs carry parent, root and depth", async () => {
    const handle = await grandparent.trigger();
    const state = await t.waitForRun(handle.id);
    const out = state.output as {
      self: string;
      middle: { self: string; leaf: { id: string; parent: string; root: string } };
    };
    expect(out.middle.leaf.parent).toBe(out.middle.self);
    expect(out.middle.leaf.root).toBe(handle.id);
    expect((await t.engine.runState(out.middle.leaf.id)).depth).toBe(2);
  });

  it("outside a run, triggerAndWait is refused with a clear error", async () => {
    await expect(double.triggerAndWait({ n: 1 })).rejects.toThrow(
      /triggerAndWait can only be used inside a task's run\(\) function/,
    );
  });
});
