/**
 * Scheduling settings through the REST API, sent to a webapp that does not run the dispatcher: two webapps share one
 * PostgreSQL and engine task queue; the first leads the dispatcher (advisory lock), every request below goes to the
 * second, a standby in a process of its own (in this process it would find the leader's dispatcher in memory). A queue's pause (the real @trigger.dev/sdk's queues.pause), rate limit and per-key limit, the
 * environment's limit and burst factor (its secret key), the organisation's limit (a personal access token) all reach
 * the leader, which enforces them; then the leader stops and the standby, taking over, restores them from the
 * database. Bad input is a 400 naming the field. Real Temporal, real PostgreSQL.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { configure, queues, runs, tasks } from "@trigger.dev/sdk";
import { task } from "@stint/sdk";
import { declaredQueues } from "@stint/sdk/runtime";
import { localDispatcher } from "@stint/temporal-workers";
import { createAccessToken } from "../src/server/auth/access-tokens.js";
import { createUser } from "../src/server/tenancy/create-project.js";
import { startTestWebapp, type TestWebapp } from "./harness/index.js";

const starts: { key: string; at: number }[] = [];
let live = 0;
let peak = 0;
const livePerKey = new Map<string, number>();
let peakPerKey = 0;
const work = task({
  id: "ss-work",
  run: async (payload: { key: string; holdMs: number }) => {
    starts.push({ key: payload.key, at: Date.now() });
    peak = Math.max(peak, ++live);
    livePerKey.set(payload.key, (livePerKey.get(payload.key) ?? 0) + 1);
    peakPerKey = Math.max(peakPerKey, livePerKey.get(payload.key)!);
    await new Promise((r) => setTimeout(r, payload.holdMs));
    livePerKey.set(payload.key, livePerKey.get(payload.key)! - 1);
    live--;
  },
});

let t: TestWebapp;
let standby: { url: string; process: ChildProcess };
let organizationId: string;
let adminToken: string;
let memberToken: string;
beforeAll(async () => {
  t = await startTestWebapp();
  await t.serveTasks([work.id], { queues: declaredQueues().filter((q) => q.name === "task/ss-work") });
  const child = spawn(process.execPath, ["--import", "tsx", "test/fixtures/standby-webapp/start.ts"], {
    env: {
      ...process.env,
      DATABASE_URL: t.webapp.databaseUrl,
      TEMPORAL_ADDRESS: inject("temporalAddress"),
      ENGINE_TASK_QUEUE: t.webapp.engines.workflowTaskQueue,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  for await (const line of createInterface({ input: child.stdout! })) {
    const url = /^STANDBY (\S+)/.exec(line)?.[1];
    if (url) {
      standby = { url, process: child };
      break;
    }
  }
  if (!standby) throw new Error("the standby webapp exited before it answered");
  organizationId = (await t.webapp.db.project.findUniqueOrThrow({ where: { id: t.project.id } })).organizationId;
  const admin = await createUser(t.webapp.db, {
    email: "ss-admin@example.com",
    password: "ss-password-1",
    organizationId,
    role: "ADMIN",
  });
  const member = await createUser(t.webapp.db, {
    email: "ss-member@example.com",
    password: "ss-password-2",
    organizationId,
    role: "MEMBER",
  });
  adminToken = (await createAccessToken(t.webapp.db, admin, "ss")).token;
  memberToken = (await createAccessToken(t.webapp.db, member, "ss")).token;
  // Every call of the SDK goes to the standby.
  configure({ baseURL: standby.url, accessToken: t.dev.secretKey });
});
afterAll(async () => {
  await t?.stop();
  if (standby && standby.process.exitCode === null) {
    standby.process.kill("SIGTERM");
    await once(standby.process, "exit");
  }
});

const post = async (path: string, body: unknown, token = t.dev.secretKey) => {
  const response = await fetch(`${standby.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
};

/** The leader's dispatcher (in this process): a setting saved by the standby reaches it within about a second. */
const leader = () => localDispatcher(t.webapp.engines.workflowTaskQueue)!;
const leaderQueue = () => leader().describe({ environmentId: t.dev.id, queue: `task/${work.id}` });

const triggerAll = async (count: number, payload: { key: string; holdMs: number }) => {
  const handles = await Promise.all(
    Array.from({ length: count }, () => tasks.trigger(work.id, payload, { concurrencyKey: payload.key })),
  );
  for (const handle of handles)
    await expect
      .poll(async () => (await runs.retrieve(handle.id)).status, { timeout: 90_000, interval: 300 })
      .toBe("COMPLETED");
};

describe("scheduling settings through a webapp that does not dispatch", () => {
  it("a queue paused there holds its runs on the leader until resumed", { timeout: 120_000 }, async () => {
    expect((await queues.pause({ type: "task", name: work.id })).paused).toBe(true);
    await expect.poll(() => leaderQueue().paused, { timeout: 10_000 }).toBe(true);
    const handles = await Promise.all([1, 2].map(() => tasks.trigger(work.id, { key: "paused", holdMs: 0 })));
    try {
      await new Promise((r) => setTimeout(r, 3_000));
      for (const handle of handles) expect((await runs.retrieve(handle.id)).status).toBe("QUEUED");
      expect(starts.filter((s) => s.key === "paused")).toHaveLength(0);
    } finally {
      await queues.resume({ type: "task", name: work.id });
    }
    for (const handle of handles)
      await expect
        .poll(async () => (await runs.retrieve(handle.id)).status, { timeout: 60_000, interval: 300 })
        .toBe("COMPLETED");
  });

  it("a queue's rate limit set there spaces the starts; removing it lifts it", { timeout: 120_000 }, async () => {
    const set = await post(`/api/v1/queues/${work.id}/settings`, {
      type: "task",
      rateLimit: { limit: 2, period: "1s" },
    });
    expect(set.status).toBe(200);
    expect(set.body.scheduling.rateLimit).toEqual({ limit: 2, period: "1s" });
    await expect.poll(() => leaderQueue().rateLimit, { timeout: 10_000 }).toEqual({ limit: 2, period: "1s" });
    await triggerAll(5, { key: "rated", holdMs: 0 });
    const times = starts.filter((s) => s.key === "rated").map((s) => s.at);
    // Two a second: five starts take four intervals of 500 ms. A start trails its admission by a latency that varies
    // by a few hundred ms under the suite's load, so one interval is slack; runs without a limit span ~200 ms.
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(3 * 500);
    // What `stint status` shows: the queue's rate limit and the environment's limits.
    const status = await fetch(`${standby.url}/api/v1/projects/${t.project.ref}/status`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    const fleet = (await status.json()) as {
      environments: { type: string; scheduling: unknown; queues: { name: string; rateLimit: unknown }[] }[];
    };
    const dev = fleet.environments.find((env) => env.type === "DEVELOPMENT")!;
    expect(dev.scheduling).toEqual({ concurrencyLimit: 25, burstFactor: 2, maxRunning: 50, weight: 1 });
    expect(dev.queues.find((queue) => queue.name === work.id)?.rateLimit).toEqual({ limit: 2, period: "1s" });
    const removed = await post(`/api/v1/queues/${work.id}/settings`, { type: "task", rateLimit: null });
    expect(removed.body.scheduling.rateLimit).toBeNull();
  });

  it("the environment's limit and burst factor (its secret key) cap its runs", { timeout: 120_000 }, async () => {
    const set = await post("/api/v1/environment/scheduling", { concurrencyLimit: 2, burstFactor: 1.5 });
    expect(set).toEqual({ status: 200, body: { concurrencyLimit: 2, burstFactor: 1.5, maxRunning: 3, weight: 1 } });
    await expect
      .poll(() => leader().settings.environment(t.dev.id), { timeout: 10_000 })
      .toMatchObject({ concurrencyLimit: 2, burstFactor: 1.5 });
    peak = 0;
    try {
      await triggerAll(5, { key: "env", holdMs: 1_000 });
      // One queue runs up to the environment's limit; the burst (3) is for the environment's queues together.
      expect(peak).toBe(2);
    } finally {
      await post("/api/v1/environment/scheduling", { concurrencyLimit: 25, burstFactor: 2 });
    }
  });

  it("the organisation's limit (a personal access token of an admin) caps its runs", { timeout: 120_000 }, async () => {
    expect((await post(`/api/v1/orgs/${organizationId}/scheduling`, { concurrencyLimit: 1 }, memberToken)).status).toBe(
      403,
    );
    const set = await post(`/api/v1/orgs/${organizationId}/scheduling`, { concurrencyLimit: 1, weight: 2 }, adminToken);
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ id: organizationId, concurrencyLimit: 1, weight: 2 });
    await expect
      .poll(() => leader().settings.organization(organizationId), { timeout: 10_000 })
      .toEqual({ concurrencyLimit: 1, weight: 2 });
    peak = 0;
    try {
      await triggerAll(3, { key: "org", holdMs: 1_000 });
      expect(peak).toBe(1);
    } finally {
      await post(`/api/v1/orgs/${organizationId}/scheduling`, { concurrencyLimit: null }, adminToken);
    }
  });

  it("bad settings are a 400 naming the field and the fix; the wrong credential is refused", async () => {
    const badPeriod = await post(`/api/v1/queues/${work.id}/settings`, {
      type: "task",
      rateLimit: { limit: 2, period: "a minute" },
    });
    expect(badPeriod.status).toBe(400);
    expect(badPeriod.body.error).toMatch(/rateLimit\.period: .*"1m"/);
    const badBurst = await post("/api/v1/environment/scheduling", { burstFactor: 0.5 });
    expect(badBurst.status).toBe(400);
    expect(badBurst.body.error).toMatch(/burstFactor.*at least 1/);
    expect((await post("/api/v1/environment/scheduling", {})).body.error).toMatch(/at least one of/);
    const badWeight = await post(`/api/v1/orgs/${organizationId}/scheduling`, { weight: -1 }, adminToken);
    expect(badWeight.status).toBe(400);
    expect(badWeight.body.error).toMatch(/weight/);
    // Organisation settings need a personal access token, not an environment's key.
    expect((await post(`/api/v1/orgs/${organizationId}/scheduling`, { weight: 1 })).status).toBe(401);
  });

  it("settings survive the leader: the standby taking over restores them from the database", {
    timeout: 180_000,
  }, async () => {
    const set = await post(`/api/v1/queues/${work.id}/settings`, { type: "task", concurrencyLimitPerKey: 1 });
    expect(set.body.scheduling.concurrencyLimitPerKey).toBe(1);
    await t.webapp.stop();
    peakPerKey = 0;
    peak = 0;
    await Promise.all([
      triggerAll(3, { key: "tenant-a", holdMs: 800 }),
      triggerAll(3, { key: "tenant-b", holdMs: 800 }),
    ]);
    // One at a time per key, the keys side by side.
    expect(peakPerKey).toBe(1);
    expect(peak).toBe(2);
    const queue = await fetch(`${standby.url}/api/v1/queues/${work.id}?type=task`, {
      headers: { authorization: `Bearer ${t.dev.secretKey}` },
    });
    expect(((await queue.json()) as { scheduling: unknown }).scheduling).toMatchObject({ concurrencyLimitPerKey: 1 });
  });
});
