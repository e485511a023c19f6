/**
 * The Tasks page's counts (its /ui-api task-stats): a run waiting on a waitpoint is counted as waiting, not running —
 * a real webapp, PostgreSQL and Temporal, the run triggered with the real @trigger.dev/sdk 4.8.3.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configure, runs, tasks } from "trigger-sdk-latest";
import { task, wait } from "@stint/sdk";
import { createUser } from "../src/index.js";
import { startTestWebapp, type TestWebapp } from "./harness/index.js";

const patient = task({
  id: "stats-patient",
  run: async () => {
    await wait.for({ minutes: 10 });
    return "done";
  },
});

let t: TestWebapp;
let cookie = "";

beforeAll(async () => {
  t = await startTestWebapp();
  configure({ baseURL: t.webapp.url, accessToken: t.dev.secretKey });
  await t.serveTasks([patient.id]);
  const project = await t.webapp.db.project.findUniqueOrThrow({ where: { id: t.project.id } });
  await createUser(t.webapp.db, { email: "stats@example.com", password: "task-stats-password", organizationId: project.organizationId, role: "ADMIN" });
  const login = await fetch(`${t.webapp.url}/ui-api/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "stats@example.com", password: "task-stats-password" }) });
  cookie = login.headers.get("set-cookie")!.split(";")[0]!;
});

afterAll(async () => {
  await t?.stop();
});

const statsOf = async (taskId: string) => {
  const response = await fetch(`${t.webapp.url}/ui-api/environments/${t.dev.id}/task-stats`, { headers: { cookie } });
  const body = (await response.json()) as { tasks: { task: string; running: number; waiting: number; queued: number }[] };
  return body.tasks.find((s) => s.task === taskId);
};

describe("task stats", () => {
  it("counts a WAITING run as waiting, not running", async () => {
    const { id } = await tasks.trigger(patient.id, {});
    await expect.poll(async () => (await runs.retrieve(id)).status, { timeout: 30_000 }).toBe("WAITING");
    // The counts come from the run index, which follows the engine within a second or two.
    await expect.poll(async () => (await statsOf(patient.id))?.waiting, { timeout: 30_000 }).toBe(1);
    expect(await statsOf(patient.id)).toMatchObject({ running: 0, queued: 0, waiting: 1 });
    await runs.cancel(id);
  });
});
