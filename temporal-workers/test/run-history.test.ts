/**
 * What one run costs Temporal: a short run's history holds no marker at all (runs of revision 2 take every earlier
 * patch's new branch without one, and a run the engine's process admits as it starts it asks nothing from its
 * workflow) and one status upsert; a run that has to wait asks from its workflow (one local-activity marker), and a
 * run's last release reaches the dispatcher through a sink: the next run of a concurrencyLimit 1 queue starts at once.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import proto from "@temporalio/proto";
import { task } from "@stint/sdk";
import { NativeConnection, Worker } from "@temporalio/worker";
import { createEngineActivities } from "../src/activities/engine-activities.js";
import { localDispatcher } from "../src/dispatcher/local-dispatchers.js";
import { stintDataConverter } from "../src/shared/data-converter.js";
import { dispatchSinks } from "../src/worker/dispatch-sinks.js";
import { engineWorkflowBundle } from "../src/worker/workflow-bundle.js";
import { startTestEngine, type TestEngine } from "../test/harness/index.js";

// @temporalio/proto is CommonJS: its namespace is the default export under plain Node ESM.
const { EventType } = proto.temporal.api.enums.v1;

const noop = task({ id: "history-noop", run: async () => ({ ok: true }) });
const single = task({
  id: "history-single",
  queue: { concurrencyLimit: 1 },
  run: async (payload: { n: number; holdMs?: number }) => {
    await new Promise((resolve) => setTimeout(resolve, payload.holdMs ?? 0));
    return payload.n;
  },
});

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine({}, { declareQueues: true });
});
afterAll(async () => t?.stop());

async function eventTypes(runId: string): Promise<string[]> {
  const { events } = await t.client.workflow.getHandle(runId).fetchHistory();
  return (events ?? []).map((event) => EventType[event.eventType ?? 0]!.replace(/^EVENT_TYPE_/, ""));
}

describe("a run's Temporal history", () => {
  it("a short run admitted as it starts records one status upsert and no marker", async () => {
    const handle = await noop.trigger();
    expect((await t.waitForRun(handle.id)).status).toBe("COMPLETED");
    const types = await eventTypes(handle.id);
    const count = (type: string) => types.filter((each) => each === type).length;
    expect(count("MARKER_RECORDED"), types.join(", ")).toBe(0);
    expect(count("UPSERT_WORKFLOW_SEARCH_ATTRIBUTES"), types.join(", ")).toBe(1);
    expect(count("ACTIVITY_TASK_SCHEDULED")).toBe(1);
    // The one upsert carries the final status (QUEUED at start, EXECUTING and COMPLETED in one workflow task).
    const described = await t.client.workflow.getHandle(handle.id).describe();
    expect(described.searchAttributes.StintStatus).toEqual(["COMPLETED"]);
  });

  it("a run that has to wait asks from its workflow; each run's last release frees its slot at once", async () => {
    const started = Date.now();
    // The first holds the queue's one slot while the others are triggered: they cannot be admitted as they start.
    const first = await single.trigger({ n: 1, holdMs: 1_500 });
    // Admitted as it started: the lease is there before its workflow ran a step.
    expect(localDispatcher(t.engine.options.workflowTaskQueue)!.holdsLease(first.id)).toBe(true);
    const waiting = await Promise.all([2, 3].map((n) => single.trigger({ n })));
    for (const handle of [first, ...waiting]) expect((await t.waitForRun(handle.id)).status).toBe("COMPLETED");
    // A lost release would hold the slot until the lease sweeper (a minute and more): three runs took seconds.
    expect(Date.now() - started).toBeLessThan(20_000);
    const markers = async (runId: string) =>
      (await eventTypes(runId)).filter((type) => type === "MARKER_RECORDED").length;
    expect(await markers(first.id)).toBe(0);
    // Each waiting run asked once (one marker), and each gave its slot back with no local activity.
    for (const handle of waiting) expect(await markers(handle.id)).toBe(1);
  });

  it("with a second engine worker on the engine's queue, runs ask from their workflows again", async () => {
    // Another process's engine (several webapps on one PostgreSQL) may end a run's workflow: its last release would
    // not reach this process's dispatcher, so nothing is admitted at start while Temporal lists another poller.
    const queue = t.engine.options.workflowTaskQueue;
    const connection = await NativeConnection.connect({ address: inject("temporalAddress") });
    const other = await Worker.create({
      connection,
      identity: "another-engine-process",
      taskQueue: queue,
      dataConverter: stintDataConverter,
      workflowBundle: await engineWorkflowBundle(),
      activities: createEngineActivities(t.client, queue),
      sinks: dispatchSinks(queue),
    });
    const running = other.run();
    try {
      // Temporal lists a poller once it polled; the engine's answer is at most a few seconds old.
      await new Promise((resolve) => setTimeout(resolve, 6_000));
      const handle = await noop.trigger();
      expect((await t.waitForRun(handle.id)).status).toBe("COMPLETED");
      const markers = (await eventTypes(handle.id)).filter((type) => type === "MARKER_RECORDED");
      expect(markers).toHaveLength(1);
    } finally {
      other.shutdown();
      await running;
      await connection.close();
    }
  });
});
