/**
 * The queue gates' worker runs only while there are gates: runs ask the engine's dispatcher, and a gate workflow only
 * serves runs started before it. An engine with no open gate runs no gate worker (its workflow thread would hold a
 * second copy of the workflow bundle); a run of those days asking its gate starts the worker, and an engine that
 * starts while a gate is open serves it at once.
 */
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, inject, it } from "vitest";
import { QueueAdmission, describeQueue } from "../src/client/queue-gates.js";
import { gateTaskQueue } from "../src/shared/queue-gate.js";
import { createStintWorkers, type StintWorkers } from "../src/worker/create-workers.js";
import { startTestEngine, type TestEngine } from "./harness/index.js";

const queuesOf = (workers: StintWorkers) => workers.workers.map((w) => w.options.taskQueue);

describe("the queue gates' worker", () => {
  let t: TestEngine;
  let again: StintWorkers | undefined;
  afterAll(async () => {
    await again?.shutdown();
    await t?.stop();
  });

  it("starts only when a gate is open or asked", async () => {
    t = await startTestEngine({}, { colocated: true });
    const engineQueue = t.engine.options.workflowTaskQueue;
    // No gate in this engine: only the engine's own worker polls.
    expect(queuesOf(t.workers)).toEqual([engineQueue]);

    // A run started before the dispatcher asks its queue's gate for a slot (the engine's acquireQueueSlot activity).
    const key = { environmentId: t.engine.options.environment.id, queue: `task/gw-${randomUUID().slice(0, 8)}` };
    const answer = await new QueueAdmission(t.client, engineQueue).acquire(key, {
      runId: "run_gate_worker_1",
      priorityMs: 0,
      declaredLimit: 1,
    });
    expect(answer).toEqual({ granted: true, gated: true });
    expect(queuesOf(t.workers)).toEqual([engineQueue, gateTaskQueue(engineQueue)]);

    // The engine stops and starts again: the gate is still open (it holds run_gate_worker_1's slot), so the new
    // engine's gate worker starts with it and the gate answers.
    await t.workers.shutdown();

    again = await createStintWorkers({
      client: t.client,
      address: inject("temporalAddress"),
      workflowTaskQueue: engineQueue,
    });
    void again.run();
    expect(queuesOf(again)).toEqual([engineQueue, gateTaskQueue(engineQueue)]);
    const snapshot = await t.client.withDeadline(Date.now() + 30_000, () => describeQueue(t.client, key));
    expect(snapshot).toMatchObject({ running: 1, declaredLimit: 1 });
  });
});
