/**
 * What one run costs Temporal: a short run's history holds no patch markers (runs of revision 2 take every earlier
 * patch's new branch without one), one local-activity marker (its admission) and one status upsert, and its last
 * release reaches the dispatcher through a sink: the next run of a concurrencyLimit 1 queue starts at once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import proto from "@temporalio/proto";
import { task } from "@stint/sdk";
import { startTestEngine, type TestEngine } from "../test/harness/index.js";

// @temporalio/proto is CommonJS: its namespace is the default export under plain Node ESM.
const { EventType } = proto.temporal.api.enums.v1;

const noop = task({ id: "history-noop", run: async () => ({ ok: true }) });
const single = task({
  id: "history-single",
  queue: { concurrencyLimit: 1 },
  run: async (payload: { n: number }) => payload.n,
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
  it("a short run records its admission and one status upsert, and no patch marker", async () => {
    const handle = await noop.trigger();
    expect((await t.waitForRun(handle.id)).status).toBe("COMPLETED");
    const types = await eventTypes(handle.id);
    const count = (type: string) => types.filter((each) => each === type).length;
    expect(count("MARKER_RECORDED"), types.join(", ")).toBe(1);
    expect(count("UPSERT_WORKFLOW_SEARCH_ATTRIBUTES"), types.join(", ")).toBe(1);
    expect(count("ACTIVITY_TASK_SCHEDULED")).toBe(1);
    // The one upsert carries the final status (QUEUED at start, EXECUTING and COMPLETED in one workflow task).
    const described = await t.client.workflow.getHandle(handle.id).describe();
    expect(described.searchAttributes.StintStatus).toEqual(["COMPLETED"]);
  });

  it("a run's last release frees its slot at once: runs of a concurrencyLimit 1 queue follow each other", async () => {
    const started = Date.now();
    const handles = await Promise.all([1, 2, 3].map((n) => single.trigger({ n })));
    for (const handle of handles) expect((await t.waitForRun(handle.id)).status).toBe("COMPLETED");
    // A lost release would hold the slot until the lease sweeper (a minute and more): three runs took seconds.
    expect(Date.now() - started).toBeLessThan(20_000);
    // Each asked once (one marker) and gave its slot back with no local activity.
    for (const handle of handles)
      expect((await eventTypes(handle.id)).filter((type) => type === "MARKER_RECORDED")).toHaveLength(1);
  });
});
