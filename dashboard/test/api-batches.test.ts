/** Batches through the REST API with the real SDK: two-phase v3 batches, the legacy route, and batch retrieval. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { batch, configure, runs, tasks } from "@trigger.dev/sdk";
import { task } from "@stint/sdk";
import { startTestWebapp, type TestWebapp } from "./harness/index.js";

const double = task({ id: "api-double", run: async (payload: { n: number }) => payload.n * 2 });
const shout = task({ id: "api-shout", run: async (payload: { text: string }) => payload.text.toUpperCase() });

let t: TestWebapp;

beforeAll(async () => {
  t = await startTestWebapp();
  await t.serveTasks([double.id, shout.id]);
  configure({ baseURL: t.webapp.url, accessToken: t.dev.secretKey });
});

afterAll(async () => {
  await t?.stop();
});

async function api(path: string, init: RequestInit = {}) {
  const response = await fetch(`${t.webapp.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${t.dev.secretKey}`, "content-type": "application/json" },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("batches over the REST API", () => {
  it("tasks.batchTrigger starts every item; outputs line up with items", async () => {
    const handle = await tasks.batchTrigger("api-double", [
      { payload: { n: 1 } },
      { payload: { n: 2 } },
      { payload: { n: 3 } },
    ]);
    expect(handle.batchId).toMatch(/^batch_/);
    expect(handle.runCount).toBe(3);
    const retrieved = await batch.retrieve(handle.batchId);
    expect(retrieved.runCount).toBe(3);
    const outputs = [];
    for (const runId of retrieved.runs) outputs.push((await runs.poll(runId, { pollIntervalMs: 200 })).output);
    expect(outputs).toEqual([2, 4, 6]);
  });

  it("batch.trigger runs items of different tasks", async () => {
    const handle = await batch.trigger([
      { id: "api-double", payload: { n: 21 } },
      { id: "api-shout", payload: { text: "hi" } },
    ]);
    const retrieved = await batch.retrieve(handle.batchId);
    const outputs = [];
    for (const runId of retrieved.runs) outputs.push((await runs.poll(runId, { pollIntervalMs: 200 })).output);
    expect(outputs).toEqual([42, "HI"]);
  });

  it("two-phase: items arrive in parts, repeats are deduplicated by index, the batch seals when complete", async () => {
    const created = await api("/api/v3/batches", { method: "POST", body: JSON.stringify({ runCount: 2 }) });
    expect(created.status).toBe(200);
    const id = created.body.id as string;
    const line = (index: number, n: number) => JSON.stringify({ index, task: "api-double", payload: { n } });

    const first = await api(`/api/v3/batches/${id}/items`, { method: "POST", body: line(0, 5) });
    expect(first.body).toMatchObject({
      itemsAccepted: 1,
      itemsDeduplicated: 0,
      sealed: false,
      enqueuedCount: 1,
      expectedCount: 2,
    });
    const second = await api(`/api/v3/batches/${id}/items`, { method: "POST", body: `${line(0, 5)}\n${line(1, 6)}\n` });
    expect(second.body).toMatchObject({ itemsAccepted: 1, itemsDeduplicated: 1, sealed: true });

    const retrieved = await batch.retrieve(id);
    expect(retrieved.runs).toHaveLength(2);
    expect((await runs.poll(retrieved.runs[1]!, { pollIntervalMs: 200 })).output).toBe(12);
  });

  it("a batch over 1,000 items is refused with a message saying to split it", async () => {
    const response = await api("/api/v3/batches", { method: "POST", body: JSON.stringify({ runCount: 1001 }) });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatch(/runCount.*1000.*split/);
  });

  it("an item line that is not JSON names its line", async () => {
    const created = await api("/api/v3/batches", { method: "POST", body: JSON.stringify({ runCount: 1 }) });
    const response = await api(`/api/v3/batches/${created.body.id}/items`, { method: "POST", body: "{not json" });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatch(/line 1/);
  });
});
