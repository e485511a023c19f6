/**
 * Checkpoints from Temporal history: waits past the threshold end the attempt's execution (no process held) and a
 * new execution replays run(), getting completed waitpoints back from the journal without redoing them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { task, wait } from "@stint/sdk";
import { startTestEngine, type TestEngine } from "./harness/index.js";

const executions: Record<string, string[]> = {};
const mark = (runId: string, step: string) => (executions[runId] ??= []).push(step);

const child = task({
  id: "suspend-child",
  run: async (payload: { ms: number }, { ctx }) => {
    mark(ctx.run.id, "child-run");
    await new Promise((r) => setTimeout(r, payload.ms));
    return { doubled: payload.ms * 2 };
  },
});

const sleeper = task({
  id: "suspend-sleeper",
  checkpointThreshold: 1,
  run: async (payload: { seconds: number }, { ctx }) => {
    mark(ctx.run.id, "start");
    const before = Date.now();
    await wait.for({ seconds: payload.seconds });
    mark(ctx.run.id, "after-wait");
    return { waitedAtLeastMs: Date.now() - before };
  },
});

const parent = task({
  id: "suspend-parent",
  checkpointThreshold: 1,
  run: async (_: void, { ctx }) => {
    mark(ctx.run.id, "start");
    const first = await child.triggerAndWait({ ms: 2_500 }).unwrap();
    mark(ctx.run.id, "after-child");
    await wait.for({ seconds: 2 });
    mark(ctx.run.id, "after-wait");
    return first;
  },
});

const tokenWaiter = task({
  id: "suspend-token-waiter",
  checkpointThreshold: 1,
  run: async (_: void, { ctx }) => {
    mark(ctx.run.id, "start");
    const token = await wait.createToken({ timeout: "1m" });
    mark(ctx.run.id, `token:${token.id}`);
    const result = await wait.forToken<{ approved: boolean }>(token.id).unwrap();
    return { tokenId: token.id, result };
  },
});

const alwaysSuspends = task({
  id: "suspend-threshold-zero",
  checkpointThreshold: 0,
  run: async (_: void, { ctx }) => {
    mark(ctx.run.id, "start");
    await wait.for({ seconds: 1 });
    return "done";
  },
});

const neverSuspends = task({
  id: "suspend-threshold-never",
  checkpointThreshold: "never",
  run: async (_: void, { ctx }) => {
    mark(ctx.run.id, "start");
    await wait.for({ seconds: 3 });
    return "done";
  },
});

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine();
});
afterAll(async () => t?.stop());

const pendingActivities = async (runId: string) =>
  (await t.client.workflow.getHandle(runId).describe()).raw.pendingActivities?.length ?? 0;

describe("suspend and resume", () => {
  it("a wait past the threshold suspends: no attempt is held, then run() replays past the completed wait", async () => {
    const handle = await sleeper.trigger({ seconds: 4 });
    const waiting = await t.waitForRun(handle.id, (s) => s.status === "WAITING" && s.attempts[0]?.executions === 1);
    expect(waiting.journal).toHaveLength(1);
    // Suspended: the attempt activity finished, so no executor slot is held while the timer runs.
    await new Promise((r) => setTimeout(r, 500));
    expect(await pendingActivities(handle.id)).toBe(0);
    const state = await t.waitForRun(handle.id);
    expect(state.status).toBe("COMPLETED");
    expect(state.attempts).toHaveLength(1);
    expect(state.attempts[0]!.executions).toBe(2);
    expect(executions[handle.id]).toEqual(["start", "start", "after-wait"]);
    // The replayed execution got the wait back from the journal instantly.
    expect((state.output as { waitedAtLeastMs: number }).waitedAtLeastMs).toBeLessThan(1_000);
  });

  it("a child run past the threshold is triggered exactly once across the replay", async () => {
    const handle = await parent.trigger();
    const state = await t.waitForRun(handle.id);
    expect(state.status).toBe("COMPLETED");
    expect(state.output).toEqual({ doubled: 5_000 });
    const childRunId = (state.journal[0]!.result as { id: string }).id;
    expect(executions[childRunId]).toEqual(["child-run"]);
    expect(state.journal.map((e) => e.type)).toEqual(["triggerAndWait", "duration"]);
    // Suspended at the child, then at the timer: three executions, each replaying what came before.
    expect(state.attempts[0]!.executions).toBe(3);
    expect(executions[handle.id]).toEqual(["start", "start", "after-child", "start", "after-child", "after-wait"]);
  });

  it("a token wait suspends, and the replay sees the same token and consumes its result once", async () => {
    const handle = await tokenWaiter.trigger();
    const waiting = await t.waitForRun(handle.id, (s) => s.status === "WAITING" && s.journal.length === 2);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await pendingActivities(handle.id)).toBe(0);
    const tokenId = (waiting.journal[0]!.result as { id: string }).id;
    await wait.completeToken(tokenId, { approved: true });
    const state = await t.waitForRun(handle.id);
    expect(state.status).toBe("COMPLETED");
    expect(state.output).toEqual({ tokenId, result: { approved: true } });
    // createToken was answered from the journal on replay: one token, same id both times.
    expect(executions[handle.id]!.filter((s) => s.startsWith("token:"))).toEqual([
      `token:${tokenId}`,
      `token:${tokenId}`,
    ]);
  });

  it("threshold 0 always suspends; 'never' keeps the process for the whole wait", async () => {
    const zero = await alwaysSuspends.trigger();
    const never = await neverSuspends.trigger();
    const [a, b] = await Promise.all([t.waitForRun(zero.id), t.waitForRun(never.id)]);
    expect(a.status).toBe("COMPLETED");
    expect(a.attempts[0]!.executions).toBe(2);
    expect(b.status).toBe("COMPLETED");
    expect(b.attempts[0]!.executions).toBe(1);
  });
});
