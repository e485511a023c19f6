/**
 * The engine's dispatcher keeps its leases in PostgreSQL and survives the death of its process: two webapps share
 * one database and engine task queue; the first holds the dispatcher's advisory lock, the second stands by. Mid-load
 * (runs executing on a queue of limit 2, others waiting), the first stops; the second takes the lock, rebuilds the
 * dispatcher's state from the QueueLease/QueueDemand tables and carries on: every run completes, the queue's limit
 * is never exceeded, and no lease or demand row is left behind. Real Temporal, real PostgreSQL, the real SDK client.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { configure, tasks } from "@trigger.dev/sdk";
import { task } from "@stint/sdk";
import { declaredQueues } from "@stint/sdk/runtime";
import { startWebapp, type Webapp } from "../src/index.js";
import { startTestWebapp, type TestWebapp } from "./harness/index.js";

let live = 0;
let peak = 0;
let started = 0;
const work = task({
  id: "lr-work",
  queue: { concurrencyLimit: 2 },
  run: async () => {
    started++;
    peak = Math.max(peak, ++live);
    await new Promise((r) => setTimeout(r, 1_500));
    live--;
  },
});

let t: TestWebapp;
let standby: Webapp;
beforeAll(async () => {
  t = await startTestWebapp();
  await t.serveTasks([work.id], { queues: declaredQueues().filter((q) => q.name === "task/lr-work") });
  standby = await startWebapp({
    port: 0,
    databaseUrl: t.webapp.databaseUrl,
    temporal: { address: inject("temporalAddress") },
    engineTaskQueue: t.webapp.engines.workflowTaskQueue,
    bootstrap: false,
    ui: false,
    dataDir: mkdtempSync(join(tmpdir(), "stint-test-standby-")),
    github: null,
  });
  configure({ baseURL: t.webapp.url, accessToken: t.dev.secretKey });
});
afterAll(async () => {
  await t?.stop();
  await standby?.stop();
});

/** A run's status from the standby webapp's REST API (GET /api/v3/runs/{id}, as runs.retrieve asks it). */
const statusOf = async (runId: string) => {
  const response = await fetch(`${standby.url}/api/v3/runs/${runId}`, {
    headers: { authorization: `Bearer ${t.dev.secretKey}` },
  });
  return response.ok ? ((await response.json()) as { status: string }).status : `HTTP ${response.status}`;
};

const leaseRows = async () => ({
  leases: await t.webapp.db.queueLease.count(),
  demands: await t.webapp.db.queueDemand.count(),
});

describe("dispatcher lease recovery", () => {
  it("a restart of the dispatcher's process mid-load loses nothing, exceeds no cap and leaks no lease", {
    timeout: 300_000,
  }, async () => {
    // The durable state never grants more than the queue's limit either: sampled throughout.
    let peakLeaseRows = 0;
    const sampler = setInterval(() => {
      standby.db.queueLease
        .count()
        .then((rows) => (peakLeaseRows = Math.max(peakLeaseRows, rows)))
        .catch(() => undefined);
    }, 50);
    const handles = await Promise.all(Array.from({ length: 10 }, () => tasks.trigger(work.id, {})));
    // Mid-load: two executing, the rest waiting for admission, all of it in the tables.
    await expect.poll(leaseRows, { timeout: 60_000, interval: 200 }).toMatchObject({ leases: 2 });
    await expect.poll(async () => (await leaseRows()).demands, { timeout: 60_000, interval: 200 }).toBeGreaterThan(3);
    const startedBefore = started;

    await t.webapp.stop();

    // The REST API of the process that took over answers for every run.
    for (const handle of handles)
      await expect.poll(() => statusOf(handle.id), { timeout: 120_000, interval: 500 }).toBe("COMPLETED");
    clearInterval(sampler);
    expect(started).toBeGreaterThan(startedBefore);
    expect(started).toBe(10);
    expect(peak).toBe(2);
    expect(peakLeaseRows).toBe(2);
    // Each release reached the new dispatcher: no lease or demand outlives its run.
    await expect
      .poll(
        async () => ({ leases: await standby.db.queueLease.count(), demands: await standby.db.queueDemand.count() }),
        {
          timeout: 30_000,
          interval: 200,
        },
      )
      .toEqual({ leases: 0, demands: 0 });
  });
});
