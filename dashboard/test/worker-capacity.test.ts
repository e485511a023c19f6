/**
 * The dispatcher admits a deployed environment's runs only up to its worker group's connected capacity: with no
 * supervisor connected, production runs wait in the dispatcher (QueueDemand) rather than in the group's task queue;
 * supervisors that register and heartbeat (through the worker API, as the real supervisor does; none executes
 * attempts here) let in as many as their capacities add up to, and a supervisor that disconnects lets in no more.
 * Counted in the dispatcher's QueueLease rows. Real webapp, real Temporal, real PostgreSQL, the real SDK client.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configure, tasks } from "@trigger.dev/sdk";
import { createWorkerGroup } from "../src/index.js";
import { startTestWebapp, type TestWebapp } from "./harness/index.js";

let t: TestWebapp;
let token: string;
const heartbeats = new Map<string, NodeJS.Timeout>();

beforeAll(async () => {
  t = await startTestWebapp();
  // Deployed environments run on the default group (created at first boot, which the harness skips).
  token = (await createWorkerGroup(t.webapp.db, "default")).token;
  configure({ baseURL: t.webapp.url, accessToken: t.prod.secretKey });
});
afterAll(async () => {
  for (const timer of heartbeats.values()) clearInterval(timer);
  await t?.stop();
});

const worker = async (path: string, body: unknown) => {
  const response = await fetch(`${t.webapp.url}/api/v1/worker${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.status, await response.clone().text()).toBe(200);
};

/** A supervisor that registers and heartbeats as the real one does (it runs nothing). */
async function connect(name: string, capacity: number) {
  await worker("/servers", { name, capacity, executor: "process" });
  const timer = setInterval(() => void worker(`/servers/${name}/heartbeat`, { running: 0 }).catch(() => {}), 2_000);
  heartbeats.set(name, timer);
}

async function disconnect(name: string) {
  clearInterval(heartbeats.get(name));
  heartbeats.delete(name);
  await worker(`/servers/${name}/disconnect`, {});
}

const counts = async () => ({
  leased: await t.webapp.db.queueLease.count({ where: { environmentId: t.prod.id } }),
  waiting: await t.webapp.db.queueDemand.count({ where: { environmentId: t.prod.id } }),
});

/** The counts, sampled for `ms`: the highest number of leases seen and the counts at the end. */
async function watch(ms: number) {
  let peak = 0;
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 200)))
    peak = Math.max(peak, (await counts()).leased);
  return { peak, ...(await counts()) };
}

describe("worker group capacity", () => {
  it("production runs are admitted up to the connected supervisors' capacity, and wait with none connected", async () => {
    for (let i = 0; i < 7; i++) await tasks.trigger("capacity-work", { i });
    await expect.poll(counts, { timeout: 30_000 }).toEqual({ leased: 0, waiting: 7 });
    // Longer than a capacity poll: nothing is admitted while no supervisor is connected.
    expect(await watch(4_000)).toEqual({ peak: 0, leased: 0, waiting: 7 });

    await connect("server-a", 2);
    await expect.poll(counts, { timeout: 15_000 }).toEqual({ leased: 2, waiting: 5 });
    expect(await watch(3_000)).toEqual({ peak: 2, leased: 2, waiting: 5 });

    await connect("server-b", 3);
    await expect.poll(counts, { timeout: 15_000 }).toEqual({ leased: 5, waiting: 2 });
    expect(await watch(3_000)).toEqual({ peak: 5, leased: 5, waiting: 2 });

    // One leaves: the runs it was given keep their slots, and nothing more starts until there is room again.
    await disconnect("server-a");
    expect(await watch(4_000)).toEqual({ peak: 5, leased: 5, waiting: 2 });
    await connect("server-c", 4);
    await expect.poll(counts, { timeout: 15_000 }).toEqual({ leased: 7, waiting: 0 });
  }, 120_000);
});
