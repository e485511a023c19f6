/**
 * `kill -9` of the dispatcher's process under load: a webapp in a process of its own holds the dispatcher's advisory
 * lock, a second webapp (this process) stands by on the same database and engine task queue. With runs executing on
 * a queue of limit 2 and more waiting for admission, the first is killed without a chance to clean up; the standby
 * takes the lock, rebuilds the dispatcher's state from the tables and carries on: every run completes once, the
 * limit is never exceeded (neither by executions nor by lease rows), and no lease or demand row is left behind.
 * Real Temporal, real PostgreSQL, the real SDK client.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { configure, tasks } from "@trigger.dev/sdk";
import { task } from "@stint/sdk";
import { declaredQueues } from "@stint/sdk/runtime";
import { createTestDatabase, startTestWebapp, type TestWebapp } from "./harness/index.js";

let live = 0;
let peak = 0;
const startedRuns: string[] = [];
const work = task({
  id: "df-work",
  queue: { concurrencyLimit: 2 },
  run: async (_payload: unknown, { ctx }) => {
    startedRuns.push(ctx.run.id);
    peak = Math.max(peak, ++live);
    await new Promise((r) => setTimeout(r, 1_500));
    live--;
  },
});

let leader: ChildProcess;
let leaderOutput = "";
let t: TestWebapp;

beforeAll(async () => {
  const databaseUrl = await createTestDatabase();
  const engineTaskQueue = `stint-engine-df-${randomUUID().slice(0, 8)}`;
  leader = spawn(process.execPath, ["--import", "tsx", "test/fixtures/webapp-process.ts"], {
    cwd: join(import.meta.dirname, ".."),
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: inject("temporalAddress"),
      ENGINE_TASK_QUEUE: engineTaskQueue,
      STINT_DATA_DIR: mkdtempSync(join(tmpdir(), "stint-test-leader-")),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  leader.stdout!.on("data", (chunk: Buffer) => (leaderOutput += chunk.toString()));
  leader.stderr!.on("data", (chunk: Buffer) => (leaderOutput += chunk.toString()));
  for (
    const deadline = Date.now() + 120_000;
    !/^ready /m.test(leaderOutput);
    await new Promise((r) => setTimeout(r, 100))
  )
    if (leader.exitCode !== null || Date.now() > deadline)
      throw new Error(`the leader did not start:\n${leaderOutput}`);
  // Started second, this process stands by: the leader took the lock when it started.
  t = await startTestWebapp({ databaseUrl, engineTaskQueue });
  await t.serveTasks([work.id], { queues: declaredQueues().filter((q) => q.name === "task/df-work") });
  configure({ baseURL: t.webapp.url, accessToken: t.dev.secretKey });
}, 180_000);

afterAll(async () => {
  if (leader && leader.exitCode === null) leader.kill("SIGKILL");
  await t?.stop();
});

const rows = async () => ({
  leases: await t.webapp.db.queueLease.count(),
  demands: await t.webapp.db.queueDemand.count(),
});

/** Whether some other backend than ours holds an advisory lock: the leader's dispatcher. */
async function leaderHoldsTheLock(): Promise<boolean> {
  const held = await t.webapp.db.$queryRawUnsafe<{ n: bigint }[]>(
    "SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
  );
  return Number(held[0]!.n) > 0;
}

describe("dispatcher failover", () => {
  it("kill -9 of the dispatcher's process under load: nothing lost, no cap exceeded, no slot leaked", {
    timeout: 300_000,
  }, async () => {
    expect(await leaderHoldsTheLock()).toBe(true);
    let peakLeaseRows = 0;
    const sampler = setInterval(() => {
      t.webapp.db.queueLease
        .count()
        .then((n) => (peakLeaseRows = Math.max(peakLeaseRows, n)))
        .catch(() => undefined);
    }, 50);
    const handles = await Promise.all(Array.from({ length: 10 }, () => tasks.trigger(work.id, {})));
    // Mid-load: two executing, the rest waiting for admission, all of it in the tables.
    await expect.poll(rows, { timeout: 60_000, interval: 200 }).toMatchObject({ leases: 2 });
    await expect.poll(async () => (await rows()).demands, { timeout: 60_000, interval: 200 }).toBeGreaterThan(3);
    const startedBefore = startedRuns.length;

    leader.kill("SIGKILL");
    await new Promise((resolve) => leader.once("exit", resolve));

    for (const handle of handles)
      await expect
        .poll(
          async () => {
            const response = await fetch(`${t.webapp.url}/api/v3/runs/${handle.id}`, {
              headers: { authorization: `Bearer ${t.dev.secretKey}` },
            });
            return ((await response.json()) as { status: string }).status;
          },
          { timeout: 120_000, interval: 500 },
        )
        .toBe("COMPLETED");
    clearInterval(sampler);
    expect(startedRuns.length).toBeGreaterThan(startedBefore);
    // Each run executed once: the killed dispatcher's leases were neither lost nor granted twice.
    expect(new Set(startedRuns).size).toBe(10);
    expect(startedRuns).toHaveLength(10);
    expect(peak).toBe(2);
    expect(peakLeaseRows).toBeLessThanOrEqual(2);
    await expect.poll(rows, { timeout: 30_000, interval: 200 }).toEqual({ leases: 0, demands: 0 });
    // The standby is the dispatcher now.
    expect(await leaderHoldsTheLock()).toBe(true);
  });
});
