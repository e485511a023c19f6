/** maxDuration: a run that computes longer than allowed ends TIMED_OUT and is not retried. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { task } from "@stint/sdk";
import { startTestEngine, type TestEngine } from "./harness/index.js";

const attempts: Record<string, number> = {};
const slow = task({
  id: "max-duration-slow",
  maxDuration: 5,
  retry: { maxAttempts: 3, minTimeoutInMs: 10 },
  run: async (payload: { ms: number }, { ctx }) => {
    attempts[ctx.run.id] = (attempts[ctx.run.id] ?? 0) + 1;
    await new Promise((r) => setTimeout(r, payload.ms));
    return "finished";
  },
});

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine();
});
afterAll(async () => t?.stop());

describe("maxDuration", () => {
  it("a run over its task's maxDuration is TIMED_OUT after one attempt", async () => {
    const handle = await slow.trigger({ ms: 8_000 });
    const state = await t.waitForRun(handle.id);
    expect(state.status).toBe("TIMED_OUT");
    expect(state.error?.message).toMatch(/exceeded its maxDuration of 5 seconds/);
    expect(attempts[handle.id]).toBe(1);
    expect(Date.parse(state.finishedAt!) - Date.parse(state.startedAt!)).toBeGreaterThanOrEqual(4_900);
  });

  it("the maxDuration trigger option overrides the task's", async () => {
    const ok = await slow.trigger({ ms: 6_000 }, { maxDuration: 10 });
    expect((await t.waitForRun(ok.id)).status).toBe("COMPLETED");
  });
});
