/**
 * An environment's concurrency limit caps its running runs across all its queues, with Trigger.dev's burst factor:
 * at most floor(limit × burstFactor) execute at once, whatever queue they are on; the rest wait QUEUED for the
 * engine's dispatcher and start as slots free. Real Temporal dev server, the engine's dispatcher in this process.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { task } from "@stint/sdk";
import type { Dispatcher } from "../src/dispatcher/dispatcher.js";
import { ConcurrencyProbe } from "./harness/concurrency-probe.js";
import { startTestEngine, type TestEngine } from "./harness/index.js";

const probe = new ConcurrencyProbe();

task({ id: "el-reports", run: async () => probe.occupy("reports", 1_200) });
task({ id: "el-emails", run: async () => probe.occupy("emails", 1_200) });
task({ id: "el-exports", queue: { concurrencyLimit: 10 }, run: async () => probe.occupy("exports", 1_200) });

let t: TestEngine;
let dispatcher: Dispatcher;
beforeAll(async () => {
  t = await startTestEngine();
  dispatcher = await t.workers.dispatcher!.leading;
  await t.engine.configureQueue("task/el-exports", { declaredLimit: 10 });
  // Limit 2 with a burst factor of 1.5: three at once across the environment's queues.
  dispatcher.setEnvironment(t.engine.options.environment.id, { concurrencyLimit: 2, burstFactor: 1.5 });
});
afterAll(async () => t?.stop());

describe("environment concurrency limit", () => {
  it("caps the environment's running runs across its queues at floor(limit × burst factor)", async () => {
    const handles = await Promise.all(
      ["el-reports", "el-emails", "el-exports"].flatMap((taskId) =>
        [1, 2, 3, 4].map(() => t.engine.trigger({ task: taskId, payload: {} })),
      ),
    );
    // While the flood drains, the rest wait QUEUED and no run that could start is left waiting.
    await expect.poll(() => dispatcher.waitingCount, { timeout: 20_000 }).toBeGreaterThan(0);
    expect(dispatcher.running({ environmentId: t.engine.options.environment.id })).toBeLessThanOrEqual(3);
    expect(dispatcher.findStarved()).toBeUndefined();

    const states = await Promise.all(handles.map((h) => t.waitForRun(h.id)));
    expect(states.map((s) => s.status)).toEqual(handles.map(() => "COMPLETED"));
    expect(probe.peak).toBe(3);
    // Every queue got to run: the cap is the environment's, not one queue's.
    for (const queue of ["reports", "emails", "exports"]) expect(probe.peakPerQueue.get(queue)).toBeGreaterThan(0);
    await expect.poll(() => dispatcher.runningCount, { timeout: 10_000 }).toBe(0);
  });

  it("raising the limit lets waiting runs start at once", async () => {
    probe.resetPeaks();
    dispatcher.setEnvironment(t.engine.options.environment.id, { concurrencyLimit: 6, burstFactor: 1 });
    const handles = await Promise.all(
      [1, 2, 3, 4, 5, 6, 7, 8].map(() => t.engine.trigger({ task: "el-reports", payload: {} })),
    );
    await Promise.all(handles.map((h) => t.waitForRun(h.id)));
    expect(probe.peak).toBe(6);
  });
});
