/**
 * The environment's burst factor, with Trigger.dev's meaning: the environment may run up to floor(limit × burst
 * factor) at once across its queues, while any one queue stays within the environment's limit itself. So a burst
 * needs several queues; one queue's flood never takes the burst's headroom. Real Temporal dev server, the engine's
 * dispatcher in this process.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { task } from "@stint/sdk";
import type { Dispatcher } from "../src/dispatcher/dispatcher.js";
import { ConcurrencyProbe } from "./harness/concurrency-probe.js";
import { startTestEngine, type TestEngine } from "./harness/index.js";

const probe = new ConcurrencyProbe();

task({ id: "burst-reports", run: async () => probe.occupy("reports", 1_000) });
task({ id: "burst-emails", run: async () => probe.occupy("emails", 1_000) });

let t: TestEngine;
let dispatcher: Dispatcher;
beforeAll(async () => {
  t = await startTestEngine();
  dispatcher = await t.workers.dispatcher!.leading;
  // Limit 2, burst factor 2: four at once across queues, two per queue.
  dispatcher.setEnvironment(t.engine.options.environment.id, { concurrencyLimit: 2, burstFactor: 2 });
});
afterAll(async () => t?.stop());

const flood = (taskIds: string[], each: number) =>
  Promise.all(
    taskIds.flatMap((taskId) => Array.from({ length: each }, () => t.engine.trigger({ task: taskId, payload: {} }))),
  );

describe("burst factor", () => {
  it("two queues together run up to limit × burst factor, each up to the environment's limit", async () => {
    probe.resetPeaks();
    const handles = await flood(["burst-reports", "burst-emails"], 5);
    const states = await Promise.all(handles.map((h) => t.waitForRun(h.id)));
    expect(states.map((s) => s.status)).toEqual(handles.map(() => "COMPLETED"));
    expect(probe.peak).toBe(4);
    expect(probe.peakPerQueue.get("reports")).toBe(2);
    expect(probe.peakPerQueue.get("emails")).toBe(2);
    await expect.poll(() => dispatcher.runningCount, { timeout: 10_000 }).toBe(0);
  });

  it("one queue's flood stays within the environment's limit: the burst is headroom for other queues", async () => {
    probe.resetPeaks();
    const handles = await flood(["burst-reports"], 6);
    // While it drains, runs wait although the environment is under limit × burst: that is the queue's cap.
    await expect.poll(() => dispatcher.waitingCount, { timeout: 20_000 }).toBeGreaterThan(0);
    expect(dispatcher.running({ environmentId: t.engine.options.environment.id })).toBeLessThanOrEqual(2);
    expect(dispatcher.findStarved()).toBeUndefined();
    await Promise.all(handles.map((h) => t.waitForRun(h.id)));
    expect(probe.peak).toBe(2);
  });

  it("a burst factor of 1 makes the environment's limit a hard cap across queues", async () => {
    probe.resetPeaks();
    dispatcher.setEnvironment(t.engine.options.environment.id, { concurrencyLimit: 2, burstFactor: 1 });
    const handles = await flood(["burst-reports", "burst-emails"], 4);
    await Promise.all(handles.map((h) => t.waitForRun(h.id)));
    expect(probe.peak).toBe(2);
  });
});
