/**
 * Debounce (Trigger.dev's `debounce: { key, delay, mode?, maxDelay? }`): triggers on a key whose run is still
 * DELAYED return that run and push it back; leading mode keeps the first trigger's payload, trailing takes the last
 * one's payload, metadata, tags, maxAttempts, maxDuration and machine; maxDelay bounds the pushing; a started run
 * ends the window. Against a real Temporal dev server, through the SDK as task code and backends call it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { batch, metadata, runs, task, tasks } from "@stint/sdk";
import { eventually, startTestEngine, type TestEngine } from "./harness/index.js";
import { debounceKeyWorkflowId } from "../src/shared/debounce.js";
import type { BatchItemWire } from "@stint/sdk/runtime";

interface Execution {
  payload: { n: number; key?: string };
  startedAt: number;
  metadata: Record<string, unknown>;
  tags: string[];
  maxAttempts?: number;
  maxDuration?: number;
  machine?: string;
}

const executions = new Map<string, Execution[]>();

const collect = task({
  id: "debounce-collect",
  run: async (payload: { n: number; key?: string }, { ctx }) => {
    const list = executions.get(ctx.run.id) ?? [];
    list.push({
      payload,
      startedAt: Date.now(),
      metadata: metadata.current() ?? {},
      tags: ctx.run.tags,
      maxAttempts: ctx.run.maxAttempts,
      maxDuration: ctx.run.maxDuration,
      machine: ctx.machine?.name,
    });
    executions.set(ctx.run.id, list);
    return { n: payload.n };
  },
});

const other = task({ id: "debounce-other", run: async (payload: { n: number }) => ({ n: payload.n }) });

/** Waits for a debounced run through triggerAndWait; returns what it got and the run it waited for. */
const waitingParent = task({
  id: "debounce-waiting-parent",
  run: async (payload: { key: string; n: number }) => {
    const result = await collect.triggerAndWait({ n: payload.n }, { debounce: { key: payload.key, delay: "4s" } });
    return { childRunId: result.id, output: result.ok ? result.output : undefined };
  },
});

/** Triggers from task code: one trigger and a batch whose items share keys. */
const triggeringParent = task({
  id: "debounce-triggering-parent",
  run: async (payload: { prefix: string }) => {
    const single = await collect.trigger({ n: 1 }, { debounce: { key: `${payload.prefix}-single`, delay: "4s" } });
    const again = await collect.trigger({ n: 2 }, { debounce: { key: `${payload.prefix}-single`, delay: "4s" } });
    const items = [
      { n: 10, key: "a" },
      { n: 11, key: "a" },
      { n: 12, key: "b" },
      { n: 13, key: "b" },
      { n: 14, key: "c" },
    ];
    const handle = await collect.batchTrigger(
      items.map((item) => ({
        payload: item,
        options: { debounce: { key: `${payload.prefix}-${item.key}`, delay: "4s", mode: "trailing" as const } },
      })),
    );
    const waited = await batch.triggerByTaskAndWait([
      { task: collect, payload: { n: 20 }, options: { debounce: { key: `${payload.prefix}-waited`, delay: "3s" } } },
      { task: collect, payload: { n: 21 }, options: { debounce: { key: `${payload.prefix}-waited`, delay: "3s" } } },
      { task: other, payload: { n: 22 } },
    ]);
    return {
      single: single.id,
      again: again.id,
      batchRuns: handle.runs.map((r) => r.id),
      waited: waited.runs.map((r) => ({ id: r.id, ok: r.ok, output: r.ok ? r.output : undefined })),
    };
  },
});

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine({ retriesEnabled: false });
});
afterAll(async () => t?.stop());

const uniqueKey = (name: string) => `${name}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;

describe("debounce", () => {
  it("leading (default): five triggers within the delay give one run, pushed back, that runs once with the first payload", async () => {
    const key = uniqueKey("leading");
    const handles = [];
    let lastTriggerAt = 0;
    for (let n = 1; n <= 5; n++) {
      handles.push(await collect.trigger({ n }, { debounce: { key, delay: "4s" } }));
      lastTriggerAt = Date.now();
    }
    const runId = handles[0]!.id;
    expect(handles.map((h) => h.id)).toEqual(Array(5).fill(runId));
    expect((await runs.retrieve(runId)).status).toBe("DELAYED");
    const state = await t.waitForRun(runId);
    expect(state.status).toBe("COMPLETED");
    expect(state.output).toEqual({ n: 1 });
    const ran = executions.get(runId)!;
    expect(ran).toHaveLength(1);
    expect(ran[0]!.payload).toEqual({ n: 1 });
    // Pushed back: it started no earlier than the last trigger plus the delay.
    expect(ran[0]!.startedAt).toBeGreaterThanOrEqual(lastTriggerAt + 4_000 - 1_000);
  });

  it("trailing: the run takes the last trigger's payload, metadata, tags, maxAttempts, maxDuration and machine", async () => {
    const key = uniqueKey("trailing");
    const handles = [];
    for (let n = 1; n <= 5; n++) {
      handles.push(
        await collect.trigger(
          { n },
          {
            debounce: { key, delay: "4s", mode: "trailing" },
            metadata: { version: n },
            tags: [`v${n}`],
            maxAttempts: n,
            maxDuration: 10 + n,
            machine: n === 5 ? "large-1x" : "micro",
          },
        ),
      );
    }
    const runId = handles[0]!.id;
    expect(new Set(handles.map((h) => h.id))).toEqual(new Set([runId]));
    const delayed = await runs.retrieve(runId);
    expect(delayed.status).toBe("DELAYED");
    expect(delayed.tags).toEqual(["v5"]);
    const state = await t.waitForRun(runId);
    expect(state.output).toEqual({ n: 5 });
    const ran = executions.get(runId)!;
    expect(ran).toHaveLength(1);
    expect(ran[0]).toMatchObject({
      payload: { n: 5 },
      metadata: { version: 5 },
      tags: ["v5"],
      maxAttempts: 5,
      maxDuration: 15,
      machine: "large-1x",
    });
    expect(state.payload).toEqual({ n: 5 });
  });

  it("concurrent triggers on one key land in one run", async () => {
    const key = uniqueKey("burst");
    const handles = await Promise.all(
      Array.from({ length: 8 }, (_, n) => collect.trigger({ n }, { debounce: { key, delay: "5s" } })),
    );
    expect(new Set(handles.map((h) => h.id)).size).toBe(1);
    await t.waitForRun(handles[0]!.id);
    expect(executions.get(handles[0]!.id)).toHaveLength(1);
  });

  it("maxDelay caps the pushing: a push past it leaves the run to start and the trigger starts a new run", async () => {
    const key = uniqueKey("max-delay");
    const options = { debounce: { key, delay: "2s", maxDelay: "5s" } };
    const first = await collect.trigger({ n: 0 }, options);
    const createdAt = (await runs.retrieve(first.id)).createdAt.getTime();
    const ids = [first.id];
    // A trigger every 700 ms for 8 s: without maxDelay the first run would never start.
    for (let n = 1; Date.now() < createdAt + 8_000; n++) {
      await new Promise((r) => setTimeout(r, 700));
      ids.push((await collect.trigger({ n }, options)).id);
    }
    const distinct = [...new Set(ids)];
    expect(distinct.length).toBeGreaterThanOrEqual(2);
    expect(distinct[0]).toBe(first.id);
    // The first run was pushed back at least once before the cap: the triggers came faster than the delay.
    expect(ids.filter((id) => id === first.id).length).toBeGreaterThanOrEqual(2);
    // The triggers are grouped in order: once a later run takes them, the earlier one is never named again.
    expect(ids.filter((id) => id === first.id)).toEqual(ids.slice(0, ids.lastIndexOf(first.id) + 1));
    const state = await t.waitForRun(first.id);
    expect(state.status).toBe("COMPLETED");
    const ran = executions.get(first.id)!;
    expect(ran).toHaveLength(1);
    expect(ran[0]!.startedAt).toBeLessThanOrEqual(createdAt + 5_000 + 3_000);
    for (const id of distinct.slice(1)) await t.waitForRun(id);
  });

  it("once the run has started, the next trigger with the key starts a new delayed run", async () => {
    const key = uniqueKey("started");
    const first = await collect.trigger({ n: 1 }, { debounce: { key, delay: "1s" } });
    await t.waitForRun(first.id);
    // The key's workflow closes once its run has left DELAYED: nothing stays open per key.
    const keyWorkflow = t.client.workflow.getHandle(
      debounceKeyWorkflowId(t.engine.options.environment.slug, "debounce-collect", key),
    );
    await eventually(
      async () => (await keyWorkflow.describe()).status.name === "COMPLETED",
      30_000,
      "the key workflow to close",
    );
    const second = await collect.trigger({ n: 2 }, { debounce: { key, delay: "1s" } });
    expect(second.id).not.toBe(first.id);
    expect((await runs.retrieve(second.id)).status).toBe("DELAYED");
    expect((await t.waitForRun(second.id)).output).toEqual({ n: 2 });
  });

  it("a canceled delayed run ends the window too", async () => {
    const key = uniqueKey("canceled");
    const first = await collect.trigger({ n: 1 }, { debounce: { key, delay: "1m" } });
    await runs.cancel(first.id);
    await t.waitForRun(first.id);
    const second = await collect.trigger({ n: 2 }, { debounce: { key, delay: "1s" } });
    expect(second.id).not.toBe(first.id);
    expect((await t.waitForRun(second.id)).status).toBe("COMPLETED");
  });

  it("keys are scoped per task: another task or another key gets its own run", async () => {
    const key = uniqueKey("scope");
    const a = await collect.trigger({ n: 1 }, { debounce: { key, delay: "2s" } });
    const b = await tasks.trigger("debounce-other", { n: 2 }, { debounce: { key, delay: "2s" } });
    const c = await collect.trigger({ n: 3 }, { debounce: { key: `${key}-2`, delay: "2s" } });
    expect(new Set([a.id, b.id, c.id]).size).toBe(3);
    await Promise.all([a, b, c].map((h) => t.waitForRun(h.id)));
  });

  it("a long key works (its workflow is named by the key's hash)", async () => {
    const key = `${uniqueKey("long")}-${"é".repeat(400)}`;
    const a = await collect.trigger({ n: 1 }, { debounce: { key, delay: "3s" } });
    const b = await collect.trigger({ n: 2 }, { debounce: { key, delay: "3s" } });
    expect(b.id).toBe(a.id);
    await t.waitForRun(a.id);
  });

  it("batch items: items sharing a key land in one run, in item order (trailing takes the last)", async () => {
    const prefix = uniqueKey("batch");
    const items = [1, 2, 3, 4, 5].map((n) => ({
      payload: { n },
      options: { debounce: { key: `${prefix}-${n <= 3 ? "x" : "y"}`, delay: "4s", mode: "trailing" as const } },
    }));
    const handle = await collect.batchTrigger(items);
    const ids = handle.runs.map((r) => r.id);
    expect(ids[0]).toBe(ids[1]);
    expect(ids[1]).toBe(ids[2]);
    expect(ids[3]).toBe(ids[4]);
    expect(ids[0]).not.toBe(ids[3]);
    expect((await t.waitForRun(ids[0]!)).output).toEqual({ n: 3 });
    expect((await t.waitForRun(ids[3]!)).output).toEqual({ n: 5 });
  });

  it("triggerAndWait from tasks: parents with one key wait for the same debounced run and get its output", async () => {
    const key = uniqueKey("and-wait");
    const parents = [];
    for (let n = 1; n <= 3; n++) parents.push(await waitingParent.trigger({ key, n }));
    const results = await Promise.all(parents.map((p) => t.waitForRun(p.id)));
    const outputs = results.map((r) => r.output as { childRunId: string; output: { n: number } });
    expect(results.map((r) => r.status)).toEqual(["COMPLETED", "COMPLETED", "COMPLETED"]);
    const childRunId = outputs[0]!.childRunId;
    expect(outputs.map((o) => o.childRunId)).toEqual([childRunId, childRunId, childRunId]);
    expect(executions.get(childRunId)).toHaveLength(1);
    // Leading mode: the first parent to reach the key set the payload; every parent got that run's output.
    const output = outputs[0]!.output;
    expect(outputs.map((o) => o.output)).toEqual([output, output, output]);
  });

  it("from task code: trigger, batchTrigger and batch…AndWait items debounce too", async () => {
    const prefix = uniqueKey("in-task");
    const parent = await triggeringParent.trigger({ prefix });
    const state = await t.waitForRun(parent.id);
    expect(state.status).toBe("COMPLETED");
    const out = state.output as {
      single: string;
      again: string;
      batchRuns: string[];
      waited: { id: string; ok: boolean; output?: { n: number } }[];
    };
    expect(out.again).toBe(out.single);
    expect(out.batchRuns[0]).toBe(out.batchRuns[1]);
    expect(out.batchRuns[2]).toBe(out.batchRuns[3]);
    expect(new Set(out.batchRuns).size).toBe(3);
    expect(out.waited[0]!.id).toBe(out.waited[1]!.id);
    expect(out.waited.map((w) => w.output)).toEqual([{ n: 20 }, { n: 20 }, { n: 22 }]);
    expect((await t.waitForRun(out.single)).output).toEqual({ n: 1 });
    expect((await t.waitForRun(out.batchRuns[0]!)).output).toEqual({ n: 11 });
    expect((await t.waitForRun(out.batchRuns[2]!)).output).toEqual({ n: 13 });
    expect((await t.waitForRun(out.batchRuns[4]!)).output).toEqual({ n: 14 });
  });

  it("an idempotency key comes first: a repeat with it returns its run, even with a debounce key", async () => {
    const key = uniqueKey("idem");
    const a = await collect.trigger({ n: 1 }, { idempotencyKey: `${key}-i1`, debounce: { key, delay: "3s" } });
    const b = await collect.trigger({ n: 2 }, { idempotencyKey: `${key}-i2`, debounce: { key, delay: "3s" } });
    const again = await collect.trigger({ n: 3 }, { idempotencyKey: `${key}-i1`, debounce: { key, delay: "3s" } });
    expect(b.id).toBe(a.id);
    expect(again.id).toBe(a.id);
    expect(again.isCached).toBe(true);
    expect((await t.waitForRun(a.id)).output).toEqual({ n: 1 });
  });

  it("bad debounce input is refused naming the field, and nothing starts", async () => {
    const bad = async (debounce: unknown, message: RegExp) => {
      await expect(collect.trigger({ n: 0 }, { debounce } as never)).rejects.toThrow(message);
      const item: BatchItemWire = { task: "debounce-collect", payload: { n: 0 }, options: { debounce } as never };
      await expect(t.engine.trigger(item)).rejects.toMatchObject({
        status: 400,
        message: expect.stringMatching(message),
      });
    };
    await bad({ key: "k", delay: "soon" }, /options\.debounce\.delay: "soon" is not a duration/);
    await bad({ key: "k", delay: "500ms" }, /options\.debounce\.delay/);
    await bad({ key: "k", delay: "2026-01-01T00:00:00Z" }, /options\.debounce\.delay/);
    await bad({ key: "k", delay: "0s" }, /options\.debounce\.delay: "0s" is under the minimum of 1 second/);
    await bad(
      { key: "x".repeat(513), delay: "5s" },
      /options\.debounce\.key: a debounce key is at most 512 characters/,
    );
    await bad({ key: "", delay: "5s" }, /options\.debounce\.key/);
    await bad({ delay: "5s" }, /options\.debounce\.key/);
    await bad({ key: "k", delay: "5s", mode: "middle" }, /options\.debounce\.mode/);
    await bad(
      { key: "k", delay: "10s", maxDelay: "5s" },
      /options\.debounce\.maxDelay: must be longer than debounce\.delay/,
    );
    await bad(
      { key: "k", delay: "5s", maxDelay: "5s" },
      /options\.debounce\.maxDelay: must be longer than debounce\.delay/,
    );
    await bad({ key: "k", delay: "5s", maxDelay: "later" }, /options\.debounce\.maxDelay/);
    await bad("k", /options\.debounce/);
  });
});
