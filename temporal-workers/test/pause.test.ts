/**
 * Pausing a queue: its new runs wait QUEUED (they are not lost and do not fail), runs already executing finish, and
 * resuming starts the waiting ones. Real Temporal dev server, the engine's dispatcher in this process.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { task } from "@stint/sdk";
import { QUEUE_SETTINGS_TTL_MS } from "../src/client/queue-gates.js";
import { startTestEngine, type TestEngine } from "./harness/index.js";

/** Runs of `pause-slow` that have started, and whether one is executing now. */
const started: string[] = [];
let executing = 0;

const unlimited = task({ id: "pause-unlimited", run: async (payload: { n: number }) => payload.n });
const limited = task({ id: "pause-limited", queue: { concurrencyLimit: 2 }, run: async () => "done" });
const slow = task({
  id: "pause-slow",
  queue: { concurrencyLimit: 1 },
  run: async (payload: { label: string }) => {
    started.push(payload.label);
    executing++;
    await new Promise((r) => setTimeout(r, 2_500));
    executing--;
    return payload.label;
  },
});

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine({}, { declareQueues: true });
});
afterAll(async () => t?.stop());

describe("pause", () => {
  it("a paused queue starts nothing until it is resumed", async () => {
    const paused = await t.engine.configureQueue("task/pause-limited", { paused: true });
    expect(paused.paused).toBe(true);
    const handle = await limited.trigger();
    await new Promise((r) => setTimeout(r, 2_000));
    expect((await t.engine.runState(handle.id)).status).toBe("QUEUED");
    expect(await t.engine.describeQueue("task/pause-limited")).toMatchObject({
      queued: 1,
      running: 0,
      paused: true,
      limit: 2,
    });
    const resumed = await t.engine.configureQueue("task/pause-limited", { paused: false });
    expect(resumed.paused).toBe(false);
    expect((await t.waitForRun(handle.id)).status).toBe("COMPLETED");
  });

  it("pausing a queue without a limit holds its new runs (within the settings cache time)", async () => {
    await t.engine.configureQueue("task/pause-unlimited", { paused: true });
    await new Promise((r) => setTimeout(r, QUEUE_SETTINGS_TTL_MS + 200));
    const held = await unlimited.trigger({ n: 5 });
    await expect
      .poll(async () => (await t.engine.describeQueue("task/pause-unlimited")).queued, { timeout: 10_000 })
      .toBe(1);
    expect((await t.engine.runState(held.id)).status).toBe("QUEUED");
    await t.engine.configureQueue("task/pause-unlimited", { paused: false });
    expect((await t.waitForRun(held.id)).output).toBe(5);
  });

  it("a run already executing when its queue is paused finishes; the next one waits for the resume", async () => {
    const first = await slow.trigger({ label: "first" });
    await expect.poll(() => executing, { timeout: 15_000 }).toBe(1);
    await t.engine.configureQueue("task/pause-slow", { paused: true });
    const second = await slow.trigger({ label: "second" });

    expect((await t.waitForRun(first.id)).output).toBe("first");
    // The slot the first run gave back stays free while the queue is paused.
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await t.engine.runState(second.id)).status).toBe("QUEUED");
    expect(started).toEqual(["first"]);
    expect(await t.engine.describeQueue("task/pause-slow")).toMatchObject({ queued: 1, running: 0, paused: true });

    await t.engine.configureQueue("task/pause-slow", { paused: false });
    expect((await t.waitForRun(second.id)).output).toBe("second");
    expect(started).toEqual(["first", "second"]);
  });
});
