/**
 * `durationMs` of the REST API's runs.list and runs.retrieve (and of runs.retrieve's relatedRuns.children) is a run's
 * execution time, as Trigger.dev counts it, not the time since it was triggered: a run that waited seconds in its
 * queue and ran for milliseconds shows milliseconds. A real webapp, PostgreSQL and Temporal, the real @trigger.dev/sdk 4.8.3.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configure, runs, tasks } from "trigger-sdk-latest";
import { task } from "@stint/sdk";
import { startTestWebapp, type TestWebapp } from "./harness/index.js";

const quick = task({ id: "duration-quick", run: async () => "done" });
const child = task({ id: "duration-child", run: async () => "child done" });
const parent = task({ id: "duration-parent", run: async () => (await child.trigger()).id });
const QUEUED_FOR_MS = 5_000;

let t: TestWebapp;

beforeAll(async () => {
  t = await startTestWebapp();
  configure({ baseURL: t.webapp.url, accessToken: t.dev.secretKey });
});

afterAll(async () => {
  await t?.stop();
});

describe("run duration", () => {
  it("runs.list and runs.retrieve count execution time, not queue time", async () => {
    // No session serves the task yet: the run waits QUEUED, then runs in milliseconds once one does.
    const { id } = await tasks.trigger(quick.id, {});
    await expect.poll(async () => (await runs.retrieve(id)).status, { timeout: 30_000 }).toBe("QUEUED");
    await new Promise((resolve) => setTimeout(resolve, QUEUED_FOR_MS));
    await t.serveTasks([quick.id]);
    const finished = await runs.poll(id, { pollIntervalMs: 200 });
    expect(finished.status).toBe("COMPLETED");
    expect(finished.finishedAt!.getTime() - finished.createdAt.getTime()).toBeGreaterThan(QUEUED_FOR_MS);
    expect(finished.durationMs).toBeGreaterThanOrEqual(0);
    expect(finished.durationMs).toBeLessThan(2_000);

    // Visibility is eventually consistent: wait until the list has the run finished.
    await expect
      .poll(async () => (await runs.list({ taskIdentifier: quick.id })).data.find((r) => r.id === id)?.status, {
        timeout: 30_000,
      })
      .toBe("COMPLETED");
    const listed = (await runs.list({ taskIdentifier: quick.id })).data.find((r) => r.id === id)!;
    expect(listed.durationMs).toBe(finished.durationMs);
  });

  it("runs.retrieve's relatedRuns.children count execution time, not queue time", async () => {
    // The parent runs at once; its child waits QUEUED until a session serves it, then runs in milliseconds.
    await t.serveTasks([parent.id]);
    const parentRun = await runs.poll((await tasks.trigger(parent.id, {})).id, { pollIntervalMs: 200 });
    const childId = parentRun.output as string;
    await new Promise((resolve) => setTimeout(resolve, QUEUED_FOR_MS));
    await t.serveTasks([child.id]);
    const finishedChild = await runs.poll(childId, { pollIntervalMs: 200 });
    expect(finishedChild.status).toBe("COMPLETED");
    expect(finishedChild.finishedAt!.getTime() - finishedChild.createdAt.getTime()).toBeGreaterThan(QUEUED_FOR_MS);
    expect(finishedChild.durationMs).toBeLessThan(2_000);

    // Children are found through visibility, which is eventually consistent: wait until it has the child finished.
    const listedChild = async () =>
      ((await runs.retrieve(parentRun.id)).relatedRuns.children ?? []).find((r) => r.id === childId);
    await expect.poll(async () => (await listedChild())?.status, { timeout: 30_000 }).toBe("COMPLETED");
    expect((await listedChild())!.durationMs).toBe(finishedChild.durationMs);
  });
});
