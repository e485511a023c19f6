/** Cancelling: running, waiting (children are cancelled too) and delayed runs end CANCELED; onCancel fires. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runs, task } from "@stint/sdk";
import { startTestEngine, type TestEngine } from "./harness/index.js";

const cancelled: string[] = [];

const busy = task({
  id: "cancel-busy",
  onCancel: async ({ ctx }) => void cancelled.push(ctx.run.id),
  run: async (_: void, { signal }) => {
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, 30_000);
      signal.addEventListener("abort", () => {
        clearTimeout(timer);
        resolve(undefined);
      });
    });
    return "done";
  },
});

const parent = task({
  id: "cancel-parent",
  run: async () => busy.triggerAndWait(),
});

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine();
});
afterAll(async () => t?.stop());

describe("cancel", () => {
  it("cancelling an executing run ends it CANCELED and fires onCancel with an aborted signal", async () => {
    const handle = await busy.trigger();
    await t.waitForRun(handle.id, (s) => s.status === "EXECUTING");
    await new Promise((r) => setTimeout(r, 500));
    expect(await runs.cancel(handle.id)).toEqual({ id: handle.id });
    const state = await t.waitForRun(handle.id);
    expect(state.status).toBe("CANCELED");
    for (let i = 0; i < 50 && !cancelled.includes(handle.id); i++) await new Promise((r) => setTimeout(r, 100));
    expect(cancelled).toContain(handle.id);
  });

  it("cancelling a parent waiting on triggerAndWait cancels the child too", async () => {
    const handle = await parent.trigger();
    const waiting = await t.waitForRun(handle.id, (s) => s.status === "WAITING" && s.journal.length === 1);
    const childId =
      waiting.journal[0]!.wait!.type === "task" ? (waiting.journal[0]!.wait as { runId: string }).runId : "";
    await t.waitForRun(childId, (s) => s.status === "EXECUTING");
    await runs.cancel(handle.id);
    expect((await t.waitForRun(handle.id)).status).toBe("CANCELED");
    expect((await t.waitForRun(childId)).status).toBe("CANCELED");
  });

  it("a delayed run can be cancelled before it starts; cancelling twice is harmless", async () => {
    const handle = await busy.trigger(undefined, { delay: "1h" });
    await runs.cancel(handle.id);
    const state = await t.waitForRun(handle.id);
    expect(state.status).toBe("CANCELED");
    expect(state.attemptCount).toBe(0);
    expect(await runs.cancel(handle.id)).toEqual({ id: handle.id });
  });
});
