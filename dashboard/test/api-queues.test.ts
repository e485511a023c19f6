/**
 * Queues through the REST API with the real @trigger.dev/sdk: a `stint dev` session declares its queues, then
 * queues.list/retrieve/pause/resume/overrideConcurrencyLimit/resetConcurrencyLimit drive the engine's queue gates
 * (the limits and the pause really hold runs back), API triggers land in a task's shared queue, bad input is a 400.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configure, queues, runs, tasks } from "@trigger.dev/sdk";
import { configure as configureStint, queue, queues as stintQueues, task } from "@stint/sdk";
import { declaredQueues } from "@stint/sdk/runtime";
import { startTestWebapp, type TestWebapp } from "./harness/index.js";

const slow = task({
  id: "apiq-slow",
  queue: { concurrencyLimit: 1 },
  run: async () => new Promise((r) => setTimeout(() => r("done"), 1_500)),
});
const reports = queue({ name: "apiq-reports", concurrencyLimit: 2 });
const report = task({
  id: "apiq-report",
  queue: reports,
  run: async () => new Promise((r) => setTimeout(() => r("report"), 1_500)),
});
/** No limit, and no worker serves it in this file: its runs stay queued. */
const unserved = task({ id: "apiq-unserved", run: async () => "never" });

let t: TestWebapp;
const api = (path: string, init: RequestInit = {}, key = t.dev.secretKey) =>
  fetch(`${t.webapp.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
  });

beforeAll(async () => {
  t = await startTestWebapp();
  // What `stint dev` does when it connects: register its tasks and the queues their code declares.
  const registered = await api("/engine/v1/dev/sessions", {
    method: "POST",
    body: JSON.stringify({
      tasks: [slow.id, report.id, unserved.id],
      queues: declaredQueues().filter((q) => q.name.includes("apiq")),
    }),
  });
  expect(registered.status).toBe(200);
  await t.serveTasks([slow.id, report.id]);
  configure({ baseURL: t.webapp.url, accessToken: t.dev.secretKey });
});
afterAll(async () => t?.stop());

const waitForStatus = async (runId: string, status: string) =>
  expect.poll(async () => (await runs.retrieve(runId)).status, { timeout: 30_000, interval: 200 }).toBe(status);

describe("queues API", () => {
  it("lists the declared queues with their limits", async () => {
    const page = await queues.list();
    const byName = new Map(page.data.map((q) => [q.name, q]));
    expect(byName.get("apiq-slow")).toMatchObject({
      type: "task",
      concurrencyLimit: 1,
      paused: false,
      running: 0,
      queued: 0,
    });
    expect(byName.get("apiq-reports")).toMatchObject({ type: "custom", concurrencyLimit: 2 });
    expect(byName.get("apiq-slow")!.id).toMatch(/^queue_/);
  });

  it("retrieves a queue by id or by type and name, and shows runs held back by its limit", async () => {
    const byName = await queues.retrieve({ type: "task", name: "apiq-slow" });
    expect((await queues.retrieve(byName.id)).name).toBe("apiq-slow");

    const handles = await Promise.all([1, 2, 3].map(() => tasks.trigger("apiq-slow", {})));
    await expect
      .poll(
        async () => {
          const q = await queues.retrieve({ type: "task", name: "apiq-slow" });
          return `${q.running}/${q.queued}`;
        },
        { timeout: 30_000, interval: 200 },
      )
      .toBe("1/2");
    for (const handle of handles) await waitForStatus(handle.id, "COMPLETED");
  });

  it("a run triggered through the API goes to its task's shared queue", async () => {
    const handles = await Promise.all([1, 2, 3].map(() => tasks.trigger("apiq-report", {})));
    await expect
      .poll(
        async () => {
          const q = await queues.retrieve({ type: "custom", name: "apiq-reports" });
          return `${q.running}/${q.queued}`;
        },
        { timeout: 30_000, interval: 200 },
      )
      .toBe("2/1");
    for (const handle of handles) await waitForStatus(handle.id, "COMPLETED");
  });

  it("pauses a queue: its runs wait until it is resumed", async () => {
    const paused = await queues.pause({ type: "task", name: "apiq-slow" });
    expect(paused.paused).toBe(true);
    const handle = await tasks.trigger("apiq-slow", {});
    await expect
      .poll(async () => (await queues.retrieve({ type: "task", name: "apiq-slow" })).queued, { timeout: 15_000 })
      .toBe(1);
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await runs.retrieve(handle.id)).status).toBe("QUEUED");

    expect((await queues.resume({ type: "task", name: "apiq-slow" })).paused).toBe(false);
    await waitForStatus(handle.id, "COMPLETED");
  });

  it("overrides the concurrency limit and resets it to the declared one", async () => {
    const overridden = await queues.overrideConcurrencyLimit({ type: "task", name: "apiq-slow" }, 3);
    expect(overridden.concurrencyLimit).toBe(3);
    expect(overridden.concurrency).toMatchObject({ current: 3, base: 1, override: 3 });
    expect(overridden.concurrency!.overriddenAt).toBeInstanceOf(Date);

    const handles = await Promise.all([1, 2, 3].map(() => tasks.trigger("apiq-slow", {})));
    await expect
      .poll(async () => (await queues.retrieve({ type: "task", name: "apiq-slow" })).running, {
        timeout: 30_000,
        interval: 100,
      })
      .toBe(3);
    for (const handle of handles) await waitForStatus(handle.id, "COMPLETED");

    const reset = await queues.resetConcurrencyLimit({ type: "task", name: "apiq-slow" });
    expect(reset.concurrency).toMatchObject({ current: 1, base: 1, override: null, overriddenAt: null });
  });

  it("a queue without a limit counts its runs from the run index (they never ask a gate)", async () => {
    await tasks.trigger("apiq-unserved", {});
    await expect
      .poll(async () => (await queues.retrieve({ type: "task", name: "apiq-unserved" })).queued, { timeout: 15_000 })
      .toBe(1);
    expect(await queues.retrieve({ type: "task", name: "apiq-unserved" })).toMatchObject({
      running: 0,
      paused: false,
      concurrency: { base: null, override: null },
    });
  });

  it("Stint's own SDK (what task code gets under stint dev) manages queues through the same API", async () => {
    configureStint({ baseURL: t.webapp.url, accessToken: t.dev.secretKey });
    const paused = await stintQueues.pause({ type: "custom", name: "apiq-reports" });
    expect(paused).toMatchObject({ name: "apiq-reports", type: "custom", paused: true });
    expect((await stintQueues.resume(paused.id)).paused).toBe(false);
    const overridden = await stintQueues.overrideConcurrencyLimit({ type: "custom", name: "apiq-reports" }, 7);
    expect(overridden.concurrency?.overriddenAt).toBeInstanceOf(Date);
    expect((await stintQueues.resetConcurrencyLimit({ type: "custom", name: "apiq-reports" })).concurrencyLimit).toBe(
      2,
    );
    expect((await stintQueues.list()).data.map((q) => q.name)).toContain("apiq-reports");
    await expect(stintQueues.retrieve("queue_doesnotexist")).rejects.toMatchObject({ status: 404 });
  });

  it("answers bad input with a 400 naming the field, and unknown or foreign queues with a 404", async () => {
    const id = (await queues.retrieve({ type: "task", name: "apiq-slow" })).id;
    const negative = await api(`/api/v1/queues/${id}/concurrency/override`, {
      method: "POST",
      body: JSON.stringify({ type: "id", concurrencyLimit: -1 }),
    });
    expect(negative.status).toBe(400);
    expect((await negative.json()).error).toMatch(/concurrencyLimit/);
    const badAction = await api(`/api/v1/queues/${id}/pause`, {
      method: "POST",
      body: JSON.stringify({ type: "id", action: "stop" }),
    });
    expect(badAction.status).toBe(400);
    expect((await badAction.json()).error).toMatch(/action/);
    const badType = await api(`/api/v1/queues/${id}?type=bogus`);
    expect(badType.status).toBe(400);
    expect((await api("/api/v1/queues/queue_doesnotexist")).status).toBe(404);
    // Another environment's key cannot see this environment's queue.
    expect((await api(`/api/v1/queues/${id}`, {}, t.prod.secretKey)).status).toBe(404);
  });
});
