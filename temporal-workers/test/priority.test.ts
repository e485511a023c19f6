/**
 * Priority, with Trigger.dev's meaning: a time offset in seconds. A run triggered with `priority: 60` is admitted as
 * if it had been waiting 60 seconds longer, so it goes ahead of runs that have waited less than that and behind those
 * that have waited more; runs of equal standing start in the order they asked. Real Temporal dev server, the
 * engine's dispatcher in this process, a queue of limit 1 so the runs start one at a time.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { task } from "@stint/sdk";
import { startTestEngine, type TestEngine } from "./harness/index.js";

const order: string[] = [];
const single = task({
  id: "priority-single",
  queue: { name: "priority-single", concurrencyLimit: 1 },
  run: async (payload: { label: string }) => {
    order.push(payload.label);
    await new Promise((r) => setTimeout(r, 50));
  },
});

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine({}, { declareQueues: true });
});
afterAll(async () => t?.stop());

/** Holds the queue, triggers `runs` one after another (`afterMs` after the one before, where given), then resumes it and returns the start order. */
async function startOrder(runs: { label: string; priority?: number; afterMs?: number }[]): Promise<string[]> {
  await t.engine.configureQueue("priority-single", { paused: true });
  order.length = 0;
  const ids: string[] = [];
  const queued = () =>
    expect
      .poll(async () => (await t.engine.describeQueue("priority-single")).queued, { timeout: 15_000 })
      .toBe(ids.length);
  for (const run of runs) {
    if (run.afterMs) await new Promise((r) => setTimeout(r, run.afterMs));
    const handle = await single.trigger(
      { label: run.label },
      run.priority === undefined ? undefined : { priority: run.priority },
    );
    ids.push(handle.id);
    // Each run has asked for the slot before the next is triggered: the order they asked in is the order above.
    await queued();
  }
  await t.engine.configureQueue("priority-single", { paused: false });
  const states = await Promise.all(ids.map((id) => t.waitForRun(id)));
  expect(states.map((s) => s.status)).toEqual(runs.map(() => "COMPLETED"));
  return [...order];
}

describe("priority", () => {
  it("a run with a priority goes ahead of runs waiting for the same slot; equal runs keep their order", async () => {
    const started = await startOrder([
      { label: "a" },
      { label: "b" },
      { label: "urgent", priority: 60 },
      { label: "c" },
    ]);
    expect(started).toEqual(["urgent", "a", "b", "c"]);
  });

  it("priority is a time offset: it does not overtake a run that has waited longer than its seconds", async () => {
    // `early` waits 3 s before the others ask: `slightly` (1 s of priority) stays behind it, `much` (30 s) does not.
    const started = await startOrder([
      { label: "early" },
      { label: "slightly", priority: 1, afterMs: 3_000 },
      { label: "much", priority: 30 },
      { label: "late" },
    ]);
    expect(started).toEqual(["much", "early", "slightly", "late"]);
  });
});
