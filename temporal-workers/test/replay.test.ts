/** runs.replay: a new run of the same task with the same payload and options. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runs, task } from "@stint/sdk";
import { startTestEngine, type TestEngine } from "./harness/index.js";

const echo = task({
  id: "replay-echo",
  run: async (payload: { value: string }, { ctx }) => ({ value: payload.value, runId: ctx.run.id, tags: ctx.run.tags }),
});

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine();
});
afterAll(async () => t?.stop());

describe("replay", () => {
  it("replays a finished run as a new run with the same payload and tags", async () => {
    const original = await echo.trigger({ value: "again" }, { tags: ["replayable"] });
    await t.waitForRun(original.id);
    const replay = await runs.replay(original.id);
    expect(replay.id).toMatch(/^run_/);
    expect(replay.id).not.toBe(original.id);
    const state = await t.waitForRun(replay.id);
    expect(state.output).toEqual({ value: "again", runId: replay.id, tags: ["replayable"] });
    expect(state.taskIdentifier).toBe("replay-echo");
  });

  it("replaying an unknown run is a 404", async () => {
    await expect(runs.replay("run_000000000000000000000000")).rejects.toMatchObject({ status: 404 });
  });
});
