/**
 * A canceled run ends *Canceled* in Temporal's own status (the Web UI, `temporal workflow list`), not Completed, and
 * Stint still reads its full record; a parent waiting on a child that was canceled gets a CANCELED result.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runs, task } from "@stint/sdk";
import { startTestEngine, type TestEngine } from "./harness/index.js";

const sleeper = task({
  id: "cancel-status-sleeper",
  run: async (_: void, { signal }) => {
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, 30_000);
      signal.addEventListener("abort", () => {
        clearTimeout(timer);
        resolve(undefined);
      });
    });
    return "slept";
  },
});

const waitingParent = task({
  id: "cancel-status-parent",
  run: async () => {
    const result = await sleeper.triggerAndWait();
    return result.ok ? { ok: true } : { ok: false, error: result.error };
  },
});

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine();
});
afterAll(async () => t?.stop());

const temporalStatus = async (runId: string) => (await t.client.workflow.getHandle(runId).describe()).status.name;

async function closed(runId: string): Promise<string> {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
    const status = await temporalStatus(runId);
    if (status !== "RUNNING") return status;
  }
  throw new Error(`run ${runId} did not close`);
}

describe("canceled runs in Temporal", () => {
  it("an executing run that is canceled closes as CANCELLED in Temporal, and its record is still complete", async () => {
    const handle = await sleeper.trigger();
    await t.waitForRun(handle.id, (s) => s.status === "EXECUTING");
    await runs.cancel(handle.id);
    expect(await closed(handle.id)).toBe("CANCELLED");
    const state = await t.engine.runState(handle.id);
    expect(state.status).toBe("CANCELED");
    expect(state.error).toMatchObject({ name: "CanceledError" });
    expect(state.attempts).toHaveLength(1);
    expect(state.attempts[0]!.status).toBe("CANCELED");
    expect(state.finishedAt).toBeDefined();
    expect((await runs.retrieve(handle.id)).status).toBe("CANCELED");
  });

  it("a delayed run canceled before it starts closes as CANCELLED", async () => {
    const handle = await sleeper.trigger(undefined, { delay: "1h" });
    await runs.cancel(handle.id);
    expect(await closed(handle.id)).toBe("CANCELLED");
    expect((await t.engine.runState(handle.id)).status).toBe("CANCELED");
  });

  it("a parent whose child is canceled gets a CANCELED result and completes", async () => {
    const parent = await waitingParent.trigger();
    const waiting = await t.waitForRun(parent.id, (s) => s.journal[0]?.wait?.type === "task");
    const childId = (waiting.journal[0]!.wait as { runId: string }).runId;
    await t.waitForRun(childId, (s) => s.status === "EXECUTING");
    await runs.cancel(childId);
    expect(await closed(childId)).toBe("CANCELLED");
    const done = await t.waitForRun(parent.id);
    expect(done.status).toBe("COMPLETED");
    expect(done.output).toMatchObject({ ok: false, error: { name: "CanceledError" } });
    expect(done.journal[0]!.result).toMatchObject({ ok: false, id: childId, status: "CANCELED" });
    expect(await temporalStatus(parent.id)).toBe("COMPLETED");
  });
});
