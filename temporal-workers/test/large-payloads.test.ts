/**
 * Payloads and outputs of any size up to Trigger.dev's 10 MB, in the engine itself (what `stint dev` runs standalone,
 * with the embedded object store): values past 128 KB are stored and runs carry references, so Temporal's 2 MB
 * message limit and its history never see the large value. Task code triggering children with large payloads and
 * batches that together pass 2 MB work the same way, also when attempts run in runner processes as in `stint dev`.
 * The webapp and the real SDK are covered by the dashboard's large-payloads test.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { batch, runs, task } from "@stint/sdk";
import { isPacketRef } from "../src/packets/packet-ref.js";
import { startTestEngine, type TestEngine } from "./harness/index.js";
import { buildFixture, fixture, startRunnerExecutor } from "./harness/runner-executor.js";
import type { RunnerExecutor } from "../src/executor/runner-executor.js";

const MB = 1024 * 1024;
const fiveMb = (char: string) => char.repeat(5 * MB);

const measure = task({
  id: "lp-measure",
  run: async (payload: { blob: string; at?: Date }) => ({
    length: payload.blob.length,
    allX: /^x*$/.test(payload.blob),
    atIsDate: payload.at instanceof Date,
  }),
});

const bigOutput = task({
  id: "lp-big-output",
  run: async (payload: { char: string }) => ({ blob: fiveMb(payload.char), at: new Date("2026-05-06T07:08:09.000Z") }),
});

const parent = task({
  id: "lp-parent",
  run: async () => {
    const measured = await measure.triggerAndWait({ blob: fiveMb("x"), at: new Date() }).unwrap();
    const produced = await bigOutput.triggerAndWait({ char: "z" }).unwrap();
    return {
      childSawLength: measured.length,
      childSawDate: measured.atIsDate,
      outputLength: produced.blob.length,
      outputIsZ: /^z*$/.test(produced.blob),
      outputAtIsDate: produced.at instanceof Date,
    };
  },
});

const small = task({ id: "lp-small", run: async (payload: { blob: string }) => payload.blob.length });

const batchParent = task({
  id: "lp-batch-parent",
  run: async () => {
    // 24 items of 100 KB: each under the inline limit, 2.4 MB together (over Temporal's 2 MB message limit).
    const items = Array.from({ length: 24 }, (_, i) => ({ payload: { blob: String(i % 10).repeat(100 * 1024) } }));
    const waited = await small.batchTriggerAndWait(items);
    const fired = await small.batchTrigger(items);
    const mixed = await batch.triggerAndWait<typeof small | typeof measure>([
      { id: "lp-small", payload: { blob: "s".repeat(10) } },
      { id: "lp-measure", payload: { blob: fiveMb("x") } },
    ]);
    return {
      lengths: waited.runs.map((run) => (run.ok ? run.output : -1)),
      fired: fired.runCount,
      mixed: mixed.runs.map((run) => (run.ok ? run.output : null)),
    };
  },
});

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine();
});
afterAll(async () => t?.stop());

async function historyBytes(runId: string): Promise<number> {
  const description = await t.client.workflow.getHandle(runId).describe();
  return Number(description.raw.workflowExecutionInfo?.historySizeBytes ?? 0);
}

describe("large payloads and outputs in the engine", () => {
  it("a 5 MB payload reaches the task intact; the run carries a reference, its history stays small", async () => {
    const at = new Date("2026-01-02T03:04:05.000Z");
    const handle = await t.engine.trigger({ task: measure.id, payload: { blob: fiveMb("x"), at } });
    const state = await t.waitForRun(handle.id);
    expect(state.status).toBe("COMPLETED");
    expect(state.output).toEqual({ length: 5 * MB, allX: true, atIsDate: true });
    expect(isPacketRef(state.payload)).toBe(true);
    expect(await historyBytes(handle.id)).toBeLessThan(256 * 1024);
  });

  it("a 5 MB output is stored by reference and runs.retrieve reads it back, Dates included", async () => {
    const handle = await t.engine.trigger({ task: bigOutput.id, payload: { char: "y" } });
    const state = await t.waitForRun(handle.id);
    expect(state.status).toBe("COMPLETED");
    expect(isPacketRef(state.output)).toBe(true);
    expect(await historyBytes(handle.id)).toBeLessThan(256 * 1024);

    const run = await runs.retrieve(handle.id);
    expect((run.output as { blob: string }).blob).toHaveLength(5 * MB);
    expect((run.output as { at: Date }).at).toEqual(new Date("2026-05-06T07:08:09.000Z"));
  });

  it("task code sends a 5 MB payload to a child with triggerAndWait and gets a 5 MB output back", async () => {
    const handle = await t.engine.trigger({ task: parent.id, payload: {} });
    const state = await t.waitForRun(handle.id, undefined, 120_000);
    expect(state.status).toBe("COMPLETED");
    expect(state.output).toEqual({
      childSawLength: 5 * MB,
      childSawDate: true,
      outputLength: 5 * MB,
      outputIsZ: true,
      outputAtIsDate: true,
    });
    expect(await historyBytes(handle.id)).toBeLessThan(512 * 1024);
  });

  it("batches whose items together pass 2 MB start and finish (batchTriggerAndWait, batchTrigger, batch.triggerAndWait)", async () => {
    const handle = await t.engine.trigger({ task: batchParent.id, payload: {} });
    const state = await t.waitForRun(handle.id, undefined, 280_000);
    expect(state.error).toBeUndefined();
    expect(state.status).toBe("COMPLETED");
    const output = state.output as { lengths: number[]; fired: number; mixed: unknown[] };
    expect(output.lengths).toEqual(Array(24).fill(100 * 1024));
    expect(output.fired).toBe(24);
    expect(output.mixed).toEqual([10, { length: 5 * MB, allX: true, atIsDate: false }]);
    // Every inline child input is in the parent's history: with the largest stored, its history holds far less than
    // the 4.8 MB the two batches sent (Temporal caps a history at 50 MB).
    expect(await historyBytes(handle.id)).toBeLessThan(2 * MB);
  }, 300_000);

  it("a child payload over 10 MB fails the trigger in task code with the limit named", async () => {
    const tooBig = task({
      id: "lp-too-big-child",
      run: async () => {
        try {
          await measure.trigger({ blob: "x".repeat(11 * MB) });
          return "triggered";
        } catch (error) {
          return (error as Error).message;
        }
      },
    });
    const handle = await t.engine.trigger({ task: tooBig.id, payload: {} });
    const state = await t.waitForRun(handle.id);
    expect(state.output).toMatch(/payload: 11\.0 MB is over the 10 MB limit/);
  });
});

describe("large payloads and outputs in runner processes (the executor of stint dev)", () => {
  let onRunners: TestEngine;
  let executor: RunnerExecutor;
  beforeAll(async () => {
    executor = await startRunnerExecutor({
      bundle: buildFixture(fixture("large-payload-tasks.ts"), "lp-1"),
      launch: { stdout: "ignore" },
    });
    onRunners = await startTestEngine({}, { executor });
  });
  afterAll(async () => {
    await onRunners?.stop();
    await executor?.close();
  });

  it("a 5 MB payload and a 5 MB output cross the process boundary; task code sends 5 MB to a child and gets 5 MB back", async () => {
    const measured = await onRunners.engine.trigger({
      task: "runner-lp-measure",
      payload: { blob: fiveMb("x"), at: new Date() },
    });
    expect((await onRunners.waitForRun(measured.id, undefined, 90_000)).output).toEqual({
      length: 5 * MB,
      allX: true,
      atIsDate: true,
    });

    const produced = await onRunners.engine.trigger({ task: "runner-lp-big-output", payload: { char: "y" } });
    const producedState = await onRunners.waitForRun(produced.id, undefined, 90_000);
    expect(producedState.status).toBe("COMPLETED");
    expect(isPacketRef(producedState.output)).toBe(true);
    const output = (await onRunners.engine.retrieveRun(produced.id)).output as { blob: string; at: Date };
    expect(output.blob).toHaveLength(5 * MB);
    expect(output.at).toEqual(new Date("2026-05-06T07:08:09.000Z"));

    const parentRun = await onRunners.engine.trigger({ task: "runner-lp-parent", payload: {} });
    const state = await onRunners.waitForRun(parentRun.id, undefined, 120_000);
    expect(state.error).toBeUndefined();
    expect(state.output).toEqual({
      childSawLength: 5 * MB,
      childSawDate: true,
      outputLength: 5 * MB,
      outputIsZ: true,
      outputAtIsDate: true,
    });
    expect(await historyBytes(parentRun.id)).toBeLessThan(512 * 1024);
  }, 300_000);
});
