/** Batches: batchTrigger / batchTriggerAndWait and the batch.* forms, results in item order, the 1,000-item limit. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { batch, task, tasks } from "@stint/sdk";
import { startTestEngine, type TestEngine } from "./harness/index.js";

const square = task({
  id: "batch-square",
  retry: { maxAttempts: 1 },
  run: async (payload: { n: number }) => {
    if (payload.n < 0) throw new Error(`negative: ${payload.n}`);
    // Later items finish first, so results must be put back in item order.
    await new Promise((r) => setTimeout(r, 200 - payload.n * 20));
    return payload.n * payload.n;
  },
});
const label = task({ id: "batch-label", run: async (payload: { text: string }) => `[${payload.text}]` });

const parent = task({
  id: "batch-parent",
  run: async () => {
    const waited = await square.batchTriggerAndWait([
      { payload: { n: 1 } },
      { payload: { n: 2 } },
      { payload: { n: -3 } },
      { payload: { n: 4 } },
    ]);
    const byId = await batch.triggerAndWait<typeof square | typeof label>([
      { id: "batch-square", payload: { n: 5 } },
      { id: "batch-label", payload: { text: "x" } },
    ]);
    const byTask = await batch.triggerByTaskAndWait([
      { task: label, payload: { text: "y" } },
      { task: square, payload: { n: 6 } },
    ]);
    const fired = await square.batchTrigger([{ payload: { n: 7 } }, { payload: { n: 8 } }]);
    const viaTasks = await tasks.batchTriggerAndWait<typeof square>("batch-square", [{ payload: { n: 9 } }]);
    return {
      waited: waited.runs.map((r) => (r.ok ? r.output : `error: ${(r.error as Error).message}`)),
      waitedBatchId: waited.id,
      byId: byId.runs.map((r) => (r.ok ? r.output : null)),
      byTask: byTask.runs.map((r) => (r.ok ? r.output : null)),
      fired: { batchId: fired.batchId, runCount: fired.runCount, ids: fired.runs.map((r) => r.id) },
      viaTasks: viaTasks.runs.map((r) => (r.ok ? r.output : null)),
    };
  },
});

/** Items from an async generator (a file read line by line, say) and from a ReadableStream, as Trigger.dev takes them. */
const streamed = task({
  id: "batch-streamed",
  run: async () => {
    async function* numbers(from: number, count: number) {
      for (let n = from; n < from + count; n++) yield { payload: { n } };
    }
    const fromStream = new ReadableStream<{ id: "batch-label"; payload: { text: string } }>({
      start(controller) {
        for (const text of ["s1", "s2"]) controller.enqueue({ id: "batch-label", payload: { text } });
        controller.close();
      },
    });
    const waited = await square.batchTriggerAndWait(numbers(1, 3));
    const byId = await batch.triggerAndWait<typeof label>(fromStream);
    const byTask = await batch.triggerByTaskAndWait(
      (async function* () {
        yield { task: label, payload: { text: "t1" } };
        yield { task: square, payload: { n: 5 } };
      })(),
    );
    const fired = await tasks.batchTrigger<typeof square>("batch-square", numbers(6, 2));
    return {
      waited: waited.runs.map((r) => (r.ok ? r.output : null)),
      byId: byId.runs.map((r) => (r.ok ? r.output : null)),
      byTask: byTask.runs.map((r) => (r.ok ? r.output : null)),
      fired: fired.runCount,
    };
  },
});

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine();
});
afterAll(async () => t?.stop());

describe("batches", () => {
  it("inside a run: results come back in item order, failed items as ok:false", async () => {
    const handle = await parent.trigger();
    const state = await t.waitForRun(handle.id);
    expect(state.status).toBe("COMPLETED");
    const out = state.output as Record<string, unknown> & {
      fired: { batchId: string; runCount: number; ids: string[] };
      waitedBatchId: string;
    };
    expect(out.waited).toEqual([1, 4, "error: negative: -3", 16]);
    expect(out.waitedBatchId).toMatch(/^batch_/);
    expect(out.byId).toEqual([25, "[x]"]);
    expect(out.byTask).toEqual(["[y]", 36]);
    expect(out.viaTasks).toEqual([81]);
    expect(out.fired.runCount).toBe(2);
    const fired = await Promise.all(out.fired.ids.map((id) => t.waitForRun(id)));
    expect(fired.map((s) => s.output)).toEqual([49, 64]);
    expect(fired.every((s) => s.batchId === out.fired.batchId)).toBe(true);
  });

  it("outside a run: batchTrigger and batch.trigger start every item, in order", async () => {
    const handle = await square.batchTrigger([{ payload: { n: 2 } }, { payload: { n: 3 } }], undefined);
    expect(handle.runCount).toBe(2);
    const states = await Promise.all(handle.runs.map((r) => t.waitForRun(r.id)));
    expect(states.map((s) => s.output)).toEqual([4, 9]);
    const mixed = await batch.trigger<typeof square | typeof label>([
      { id: "batch-label", payload: { text: "a" } },
      { id: "batch-square", payload: { n: 4 } },
    ]);
    expect((await Promise.all(mixed.runs.map((r) => t.waitForRun(r.id)))).map((s) => s.output)).toEqual(["[a]", 16]);
    const retrieved = await batch.retrieve(mixed.batchId);
    expect(retrieved.runs.sort()).toEqual(mixed.runs.map((r) => r.id).sort());
  });

  it("items from async iterables and ReadableStreams, inside a run and out", async () => {
    const state = await t.waitForRun((await streamed.trigger()).id);
    expect(state.status, JSON.stringify(state.error)).toBe("COMPLETED");
    expect(state.output).toEqual({ waited: [1, 4, 9], byId: ["[s1]", "[s2]"], byTask: ["[t1]", 25], fired: 2 });
    async function* items() {
      yield { id: "batch-label" as const, payload: { text: "out" } };
    }
    const outside = await batch.trigger<typeof label>(items());
    expect((await t.waitForRun(outside.runs[0]!.id)).output).toBe("[out]");
  });

  it("1,001 items is refused naming the limit; an empty batch is refused", async () => {
    const items = Array.from({ length: 1_001 }, (_, n) => ({ payload: { n } }));
    await expect(square.batchTrigger(items)).rejects.toThrow(/1001 items is over the limit of 1000 per batch/);
    await expect(square.batchTrigger([])).rejects.toThrow(/items is empty/);
  });
});
