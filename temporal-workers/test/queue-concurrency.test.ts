/**
 * Queues and concurrency: a queue's limit caps how many of its runs execute at once (task queues and shared queues,
 * declared in code or overridden), only executing runs hold a slot (a suspended wait gives it back), and each
 * concurrency key gets its own copy of the queue. Pausing, priority and the burst factor have files of their own.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queue, task, wait } from "@stint/sdk";
import { declaredQueues } from "@stint/sdk/runtime";
import { queueGateId } from "../src/shared/queue-gate.js";
import { localDispatcher } from "../src/dispatcher/local-dispatchers.js";
import { startTestEngine, type TestEngine } from "./harness/index.js";

/** Executions in progress per queue, and the highest number seen at once. */
const live = new Map<string, number>();
const peak = new Map<string, number>();
async function occupy(queueName: string, ms: number): Promise<void> {
  const now = (live.get(queueName) ?? 0) + 1;
  live.set(queueName, now);
  peak.set(queueName, Math.max(peak.get(queueName) ?? 0, now));
  await new Promise((r) => setTimeout(r, ms));
  live.set(queueName, live.get(queueName)! - 1);
}

const limited = task({ id: "qc-limited", queue: { concurrencyLimit: 2 }, run: async () => occupy("limited", 600) });
const exports = queue({ name: "qc-exports", concurrencyLimit: 1 });
const exportCsv = task({ id: "qc-export-csv", queue: exports, run: async () => occupy("exports", 400) });
const exportPdf = task({ id: "qc-export-pdf", queue: exports, run: async () => occupy("exports", 400) });
const sleeper = task({
  id: "qc-sleeper",
  queue: { name: "qc-single", concurrencyLimit: 1 },
  checkpointThreshold: 1,
  run: async () => {
    await wait.for({ seconds: 4 });
    return "woke";
  },
});
const quick = task({
  id: "qc-quick",
  queue: { name: "qc-single" },
  run: async () => occupy("single", 50),
});
const undeclared = task({ id: "qc-undeclared", run: async (payload: { n: number }) => payload.n });
const burst = task({
  id: "qc-burst",
  queue: { concurrencyLimit: 1_000 },
  run: async (payload: { n: number }) => payload.n,
});
const perKey = task({ id: "qc-per-key", queue: { concurrencyLimit: 1 }, run: async () => occupy("per-key", 800) });

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine({}, { declareQueues: true });
});
afterAll(async () => t?.stop());

const finish = (ids: string[]) => Promise.all(ids.map((id) => t.waitForRun(id)));

describe("queue concurrency", () => {
  it("declared queues come from task options and queue()", () => {
    const byName = new Map(declaredQueues().map((q) => [q.name, q]));
    expect(byName.get("task/qc-limited")).toEqual({
      name: "task/qc-limited",
      type: "task",
      concurrencyLimit: 2,
      tasks: ["qc-limited"],
    });
    expect(byName.get("qc-exports")).toEqual({
      name: "qc-exports",
      type: "custom",
      concurrencyLimit: 1,
      tasks: ["qc-export-csv", "qc-export-pdf"],
    });
    expect(byName.get("qc-single")?.concurrencyLimit).toBe(1);
  });

  it("a queue with no limit and no pause admits its runs at once, through the dispatcher, with no gate", async () => {
    const handles = await Promise.all([1, 2, 3, 4].map((n) => undeclared.trigger({ n })));
    const states = await finish(handles.map((h) => h.id));
    expect(states.map((s) => s.output)).toEqual([1, 2, 3, 4]);
    // New runs never start a queue gate workflow: the engine's dispatcher holds the queue's settings and slots.
    await expect(
      t.client.workflow
        .getHandle(queueGateId({ environmentId: t.engine.options.environment.id, queue: "task/qc-undeclared" }))
        .describe(),
    ).rejects.toThrow(/not found/i);
    const dispatcher = localDispatcher(t.engine.options.workflowTaskQueue)!;
    await expect.poll(() => handles.some((h) => dispatcher.holdsLease(h.id)), { timeout: 10_000 }).toBe(false);
  });

  it("a burst of runs larger than the worker's workflow task slots all get through their gate", async () => {
    // Each run's workflow task waits for the gate's answer: gates have their own worker, so they cannot starve.
    const handles = await t.engine.batchTrigger(
      Array.from({ length: 150 }, (_, n) => ({ task: "qc-burst", payload: { n } })),
    );
    const states = await finish(handles.runs.map((h) => h.id));
    expect(states.filter((s) => s.status === "COMPLETED")).toHaveLength(150);
  }, 120_000);

  it("a task's concurrencyLimit caps its executing runs", async () => {
    const handles = await Promise.all(Array.from({ length: 6 }, () => limited.trigger()));
    const states = await finish(handles.map((h) => h.id));
    expect(states.map((s) => s.status)).toEqual(Array(6).fill("COMPLETED"));
    expect(peak.get("limited")).toBe(2);
  });

  it("tasks sharing a queue share its limit, and their runs carry the queue's name", async () => {
    const handles = await Promise.all([
      exportCsv.trigger(),
      exportPdf.trigger(),
      exportCsv.trigger(),
      exportPdf.trigger(),
    ]);
    const states = await finish(handles.map((h) => h.id));
    expect(states.every((s) => s.status === "COMPLETED" && s.queue === "qc-exports")).toBe(true);
    expect(peak.get("exports")).toBe(1);
  });

  it("a run suspended in a long wait gives its slot back", async () => {
    const sleeping = await sleeper.trigger();
    await t.waitForRun(sleeping.id, (s) => s.status === "WAITING");
    const other = await quick.trigger();
    const otherState = await t.waitForRun(other.id);
    expect(otherState.status).toBe("COMPLETED");
    // The sleeper was still waiting when the other run finished: the slot had been released.
    expect((await t.engine.runState(sleeping.id)).status).toBe("WAITING");
    expect((await t.waitForRun(sleeping.id)).output).toBe("woke");
  });

  it("an override replaces the declared limit until it is reset", async () => {
    peak.delete("limited");
    const overridden = await t.engine.configureQueue("task/qc-limited", { overrideLimit: 4 });
    expect(overridden).toMatchObject({ limit: 4, declaredLimit: 2, overrideLimit: 4 });
    expect(overridden.overriddenAt).toBeTruthy();
    const handles = await Promise.all(Array.from({ length: 8 }, () => limited.trigger()));
    await finish(handles.map((h) => h.id));
    expect(peak.get("limited")).toBe(4);

    const reset = await t.engine.configureQueue("task/qc-limited", { overrideLimit: null });
    expect(reset).toMatchObject({ limit: 2, overrideLimit: null, overriddenAt: null });
  });

  it("each concurrency key gets its own copy of the queue", async () => {
    const handles = await Promise.all([
      perKey.trigger(undefined, { concurrencyKey: "tenant-a" }),
      perKey.trigger(undefined, { concurrencyKey: "tenant-a" }),
      perKey.trigger(undefined, { concurrencyKey: "tenant-b" }),
    ]);
    await finish(handles.map((h) => h.id));
    // Limit 1 per key: the tenants ran side by side, tenant-a's two runs one after the other.
    expect(peak.get("per-key")).toBe(2);
  });

  it("bad queue settings are refused with the field named", async () => {
    await expect(t.engine.configureQueue("task/qc-limited", { overrideLimit: -1 })).rejects.toThrow(/overrideLimit/);
    await expect(t.engine.configureQueue("", { paused: true })).rejects.toThrow(/queue/);
  });
});
