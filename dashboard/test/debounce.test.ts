/**
 * Debounce through the REST API with the real `@trigger.dev/sdk` client (4.3.3, and 4.8.3 for maxDelay, which 4.3.3
 * does not know): triggers with one debounce key collapse into one delayed run that is pushed back; leading keeps the
 * first payload, trailing takes the last; maxDelay caps the pushing; a started run ends the window; triggerAndWait in
 * a task and batch items debounce too; bad input is a 400 naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { batch, configure, runs, tasks } from "@trigger.dev/sdk";
import * as latest from "trigger-sdk-latest";
import { metadata, task } from "@stint/sdk";
import { startTestWebapp, type TestWebapp } from "./harness/index.js";

const executions = new Map<
  string,
  { payload: { n: number }; startedAt: number; metadata: unknown; tags: string[]; machine?: string }[]
>();

const collect = task({
  id: "api-debounce-collect",
  run: async (payload: { n: number }, { ctx }) => {
    const list = executions.get(ctx.run.id) ?? [];
    list.push({
      payload,
      startedAt: Date.now(),
      metadata: metadata.current(),
      tags: ctx.run.tags,
      machine: ctx.machine?.name,
    });
    executions.set(ctx.run.id, list);
    return { n: payload.n };
  },
});

const waitingParent = task({
  id: "api-debounce-parent",
  run: async (payload: { key: string; n: number }) => {
    const result = await collect.triggerAndWait({ n: payload.n }, { debounce: { key: payload.key, delay: "5s" } });
    return { childRunId: result.id, output: result.ok ? result.output : undefined };
  },
});

let t: TestWebapp;

beforeAll(async () => {
  t = await startTestWebapp();
  await t.serveTasks([collect.id, waitingParent.id]);
  configure({ baseURL: t.webapp.url, accessToken: t.dev.secretKey });
  latest.configure({ baseURL: t.webapp.url, accessToken: t.dev.secretKey });
});

afterAll(async () => {
  await t?.stop();
});

type BatchItems = { payload: { n: number }; options: { debounce: { key: string; delay: string; mode: "trailing" } } }[];

const uniqueKey = (name: string) => `${name}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;

async function api(path: string, body: unknown) {
  const response = await fetch(`${t.webapp.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${t.dev.secretKey}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as { error?: string; id?: string } };
}

describe("debounce with the real @trigger.dev/sdk", () => {
  it("leading: five triggers on one key within the delay give one run, which runs once with the first payload", async () => {
    const key = uniqueKey("leading");
    const ids: string[] = [];
    let lastTriggerAt = 0;
    for (let n = 1; n <= 5; n++) {
      ids.push((await tasks.trigger("api-debounce-collect", { n }, { debounce: { key, delay: "5s" } })).id);
      lastTriggerAt = Date.now();
    }
    expect(new Set(ids).size).toBe(1);
    const runId = ids[0]!;
    expect((await runs.retrieve(runId)).status).toBe("DELAYED");
    const run = await runs.poll(runId, { pollIntervalMs: 250 });
    expect(run.status).toBe("COMPLETED");
    expect(run.output).toEqual({ n: 1 });
    expect(executions.get(runId)).toHaveLength(1);
    expect(executions.get(runId)![0]!.payload).toEqual({ n: 1 });
    expect(executions.get(runId)![0]!.startedAt).toBeGreaterThanOrEqual(lastTriggerAt + 5_000 - 1_000);
  });

  it("trailing: the run takes the last trigger's payload, metadata, tags and machine", async () => {
    const key = uniqueKey("trailing");
    const ids: string[] = [];
    for (let n = 1; n <= 5; n++) {
      const handle = await tasks.trigger(
        "api-debounce-collect",
        { n },
        {
          debounce: { key, delay: "5s", mode: "trailing" },
          metadata: { version: n },
          tags: [`v${n}`],
          machine: n === 5 ? "medium-1x" : "micro",
        },
      );
      ids.push(handle.id);
    }
    expect(new Set(ids).size).toBe(1);
    const runId = ids[0]!;
    const delayed = await runs.retrieve(runId);
    expect(delayed.status).toBe("DELAYED");
    expect(delayed.payload).toEqual({ n: 5 });
    expect(delayed.tags).toEqual(["v5"]);
    const run = await runs.poll(runId, { pollIntervalMs: 250 });
    expect(run.output).toEqual({ n: 5 });
    expect(executions.get(runId)).toHaveLength(1);
    expect(executions.get(runId)![0]).toMatchObject({
      payload: { n: 5 },
      metadata: { version: 5 },
      tags: ["v5"],
      machine: "medium-1x",
    });
  });

  it("maxDelay caps the pushback: past it the run starts and the next trigger gets a new run (SDK 4.8.3)", async () => {
    const key = uniqueKey("max-delay");
    const options = { debounce: { key, delay: "2s", maxDelay: "5s" } };
    const first = await latest.tasks.trigger("api-debounce-collect", { n: 0 }, options);
    const createdAt = (await latest.runs.retrieve(first.id)).createdAt.getTime();
    const ids = [first.id];
    for (let n = 1; Date.now() < createdAt + 8_000; n++) {
      await new Promise((r) => setTimeout(r, 700));
      ids.push((await latest.tasks.trigger("api-debounce-collect", { n }, options)).id);
    }
    expect(new Set(ids).size).toBeGreaterThanOrEqual(2);
    // The first run was pushed back at least once before the cap: the triggers came faster than the delay.
    expect(ids.filter((id) => id === first.id).length).toBeGreaterThanOrEqual(2);
    expect(ids.filter((id) => id === first.id)).toEqual(ids.slice(0, ids.lastIndexOf(first.id) + 1));
    const run = await latest.runs.poll(first.id, { pollIntervalMs: 250 });
    expect(run.status).toBe("COMPLETED");
    expect(executions.get(first.id)).toHaveLength(1);
    expect(executions.get(first.id)![0]!.startedAt).toBeLessThanOrEqual(createdAt + 5_000 + 3_000);
  });

  it("once the run has started, the next trigger with the key creates a new delayed run", async () => {
    const key = uniqueKey("started");
    const first = await tasks.trigger("api-debounce-collect", { n: 1 }, { debounce: { key, delay: "1s" } });
    await runs.poll(first.id, { pollIntervalMs: 250 });
    const second = await tasks.trigger("api-debounce-collect", { n: 2 }, { debounce: { key, delay: "1s" } });
    expect(second.id).not.toBe(first.id);
    expect((await runs.retrieve(second.id)).status).toBe("DELAYED");
    expect((await runs.poll(second.id, { pollIntervalMs: 250 })).output).toEqual({ n: 2 });
  });

  it("triggerAndWait from tasks: three parents with one key wait for the same debounced run", async () => {
    const key = uniqueKey("and-wait");
    const parents = [];
    for (let n = 1; n <= 3; n++) parents.push(await tasks.trigger("api-debounce-parent", { key, n }));
    const finished = [];
    for (const parent of parents) finished.push(await runs.poll(parent.id, { pollIntervalMs: 250 }));
    expect(finished.map((r) => r.status)).toEqual(["COMPLETED", "COMPLETED", "COMPLETED"]);
    const outputs = finished.map((r) => r.output as { childRunId: string; output: { n: number } });
    const childRunId = outputs[0]!.childRunId;
    expect(outputs.map((o) => o.childRunId)).toEqual([childRunId, childRunId, childRunId]);
    expect(executions.get(childRunId)).toHaveLength(1);
    expect(new Set(outputs.map((o) => JSON.stringify(o.output))).size).toBe(1);
  });

  // SDK 4.3.3's tasks.batchTrigger drops items' debounce option (4.8.3 sends it); its batch.trigger sends it.
  it.each([
    [
      "batch.trigger (4.3.3)",
      (items: BatchItems) => batch.trigger(items.map((item) => ({ id: "api-debounce-collect", ...item }))),
    ],
    ["tasks.batchTrigger (4.8.3)", (items: BatchItems) => latest.tasks.batchTrigger("api-debounce-collect", items)],
  ])(
    "batch items with %s: items sharing a key land in one run, the last one trailing (the batch counts every item)",
    async (name, trigger) => {
      const prefix = uniqueKey(`batch-${name.split(" ")[0]}`);
      const items = [
        { n: 1, key: "a" },
        { n: 2, key: "a" },
        { n: 3, key: "b" },
        { n: 4, key: "b" },
        { n: 5, key: "c" },
      ].map(({ n, key }) => ({
        payload: { n },
        options: { debounce: { key: `${prefix}-${key}`, delay: "5s", mode: "trailing" as const } },
      }));
      const handle = await trigger(items);
      expect(handle.runCount).toBe(5);
      const retrieved = await batch.retrieve(handle.batchId);
      expect(retrieved.runs).toHaveLength(5);
      const [a1, a2, b1, b2, c] = retrieved.runs;
      expect(a2).toBe(a1);
      expect(b2).toBe(b1);
      expect(new Set([a1, b1, c]).size).toBe(3);
      expect((await runs.poll(a1!, { pollIntervalMs: 250 })).output).toEqual({ n: 2 });
      expect((await runs.poll(b1!, { pollIntervalMs: 250 })).output).toEqual({ n: 4 });
      expect((await runs.poll(c!, { pollIntervalMs: 250 })).output).toEqual({ n: 5 });
    },
  );

  it("bad debounce input is a 400 naming the field", async () => {
    const cases: [unknown, RegExp][] = [
      [{ key: "k", delay: "soon" }, /options\.debounce\.delay: "soon" is not a duration/],
      [{ key: "k", delay: "2026-01-01T00:00:00Z" }, /options\.debounce\.delay/],
      [{ key: "x".repeat(513), delay: "5s" }, /options\.debounce\.key: a debounce key is at most 512 characters/],
      [{ key: "k", delay: "10s", maxDelay: "5s" }, /options\.debounce\.maxDelay: must be longer than debounce\.delay/],
      [{ key: "k", delay: "5s", mode: "sideways" }, /options\.debounce\.mode/],
      [{ delay: "5s" }, /options\.debounce\.key/],
    ];
    for (const [debounce, message] of cases) {
      const answer = await api("/api/v1/tasks/api-debounce-collect/trigger", {
        payload: { n: 0 },
        options: { debounce },
      });
      expect(answer.status, JSON.stringify(debounce)).toBe(400);
      expect(answer.body.error).toMatch(message);
    }
    await expect(
      tasks.trigger("api-debounce-collect", { n: 0 }, { debounce: { key: "k", delay: "soon" } }),
    ).rejects.toMatchObject({ status: 400 });
    const batchAnswer = await api("/api/v1/tasks/api-debounce-collect/batch", {
      items: [{ payload: { n: 0 } }, { payload: { n: 1 }, options: { debounce: { key: "k", delay: "nope" } } }],
    });
    expect(batchAnswer.status).toBe(400);
    expect(batchAnswer.body.error).toMatch(/items\.1: .*options\.debounce\.delay/);
  });
});
