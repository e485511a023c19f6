/**
 * The Tasks page's rows (its /ui-api task-stats) and the Test page's task list (/ui-api tasks): a run waiting on a
 * waitpoint is counted as waiting, not running; a task shows the queue it runs on; a task no session registers any
 * more is gone — a real webapp, PostgreSQL and Temporal, runs triggered with the real @trigger.dev/sdk 4.8.3.
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
  await createUser(t.webapp.db, {
    email: "stats@example.com",
    password: "task-stats-password",
    organizationId: project.organizationId,
    role: "ADMIN",
  });
  const login = await fetch(`${t.webapp.url}/ui-api/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "stats@example.com", password: "task-stats-password" }),
  });
  cookie = login.headers.get("set-cookie")!.split(";")[0]!;
});

afterAll(async () => {
  await t?.stop();
});

const mailer = task({ id: "stats-mailer", queue: { name: "emails" }, run: async () => "sent" });

const allStats = async () => {
  const response = await fetch(`${t.webapp.url}/ui-api/environments/${t.dev.id}/task-stats`, { headers: { cookie } });
  const body = (await response.json()) as {
    tasks: { task: string; queue: string; running: number; waiting: number; queued: number; total: number }[];
  };
  return body.tasks;
};
const statsOf = async (taskId: string) => (await allStats()).find((s) => s.task === taskId);
const testPageTasks = async () => {
  const response = await fetch(`${t.webapp.url}/ui-api/environments/${t.dev.id}/tasks`, { headers: { cookie } });
  return ((await response.json()) as { tasks: string[] }).tasks;
};
const sessionApi = async (path: string, body: unknown) => {
  const response = await fetch(`${t.webapp.url}/engine/v1/dev/sessions${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${t.dev.secretKey}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { id: string };
};
const mailerSession = { queues: [{ name: "emails", type: "custom", concurrencyLimit: null, tasks: [mailer.id] }] };

describe("task stats", () => {
  it("counts a WAITING run as waiting, not running", async () => {
    const { id } = await tasks.trigger(patient.id, {});
    await expect.poll(async () => (await runs.retrieve(id)).status, { timeout: 30_000 }).toBe("WAITING");
    // The counts come from the run index, which follows the engine within a second or two.
    await expect.poll(async () => (await statsOf(patient.id))?.waiting, { timeout: 30_000 }).toBe(1);
    expect(await statsOf(patient.id)).toMatchObject({ running: 0, queued: 0, waiting: 1 });
    await runs.cancel(id);
  });

  it("shows the queue a task runs on: its declared queue, else its own", async () => {
    await t.serveTasks([patient.id, mailer.id], mailerSession);
    const { id } = await tasks.trigger(mailer.id, {});
    await expect.poll(async () => (await runs.retrieve(id)).status, { timeout: 30_000 }).toBe("COMPLETED");
    expect(await statsOf(mailer.id)).toMatchObject({ queue: "emails" });
    expect(await statsOf(patient.id)).toMatchObject({ queue: "task/stats-patient" });
  });

  it("drops a task no session registers any more, from the Tasks page and the Test page's list", async () => {
    // A session of an older version of the project, with a task since deleted, that left a run.
    const old = await sessionApi("", { tasks: ["stats-deleted", patient.id], label: "older version" });
    await tasks.trigger("stats-deleted", {});
    await expect.poll(async () => (await statsOf("stats-deleted"))?.total, { timeout: 30_000 }).toBe(1);
    expect(await testPageTasks()).toContain("stats-deleted");
    // The project without it: the old session stops, a new one registers what is left.
    await sessionApi(`/${old.id}/end`, {});
    await t.serveTasks([patient.id, mailer.id], mailerSession);
    expect((await allStats()).map((s) => s.task)).toEqual([mailer.id, patient.id]);
    expect(await testPageTasks()).toEqual([mailer.id, patient.id]);
  });

  it("in a deployed environment: the current deployment's tasks with their queues; a deploy without a task drops it", async () => {
    const prodApi = async (method: string, path: string, body: unknown) => {
      const response = await fetch(`${t.webapp.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${t.prod.secretKey}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      expect(response.status, await response.clone().text()).toBe(200);
      return (await response.json()) as { id: string };
    };
    // What `stint deploy` sends (docs/deploying.md): initialize, the manifest, the bundle, finalize.
    const deploy = async (taskIds: string[]) => {
      const contentHash = `hash-${taskIds.join("-")}`;
      const { id } = await prodApi("POST", "/api/v1/deployments", { contentHash });
      await prodApi("POST", `/api/v1/deployments/${id}/background-workers`, {
        metadata: {
          packageVersion: "0.1.0",
          contentHash,
          tasks: taskIds.map((taskId) => ({
            id: taskId,
            filePath: "src/trigger/tasks.ts",
            queue: taskId === "deployed-mailer" ? { name: "emails", concurrencyLimit: 3 } : { name: `task/${taskId}` },
          })),
          queues: [{ name: "emails", type: "custom", concurrencyLimit: 3, tasks: ["deployed-mailer"] }],
        },
      });
      await prodApi("PUT", `/api/v1/deployments/${id}/bundle`, {
        files: [{ path: "tasks.mjs", contents: "export {};" }],
        entries: [{ file: "tasks.mjs", source: "src/trigger/tasks.ts" }],
      });
      await prodApi("POST", `/api/v1/deployments/${id}/finalize`, {});
    };
    const prodStats = async () => {
      const response = await fetch(`${t.webapp.url}/ui-api/environments/${t.prod.id}/task-stats`, {
        headers: { cookie },
      });
      expect(response.status).toBe(200);
      return ((await response.json()) as { tasks: { task: string; queue: string }[] }).tasks;
    };
    const prodTestPage = async () => {
      const response = await fetch(`${t.webapp.url}/ui-api/environments/${t.prod.id}/tasks`, { headers: { cookie } });
      return ((await response.json()) as { tasks: string[] }).tasks;
    };

    await deploy(["deployed-mailer", "deployed-report"]);
    expect((await prodStats()).map(({ task, queue }) => ({ task, queue }))).toEqual([
      { task: "deployed-mailer", queue: "emails" },
      { task: "deployed-report", queue: "task/deployed-report" },
    ]);
    expect(await prodTestPage()).toEqual(["deployed-mailer", "deployed-report"]);
    // The development environment's sessions are not the production environment's tasks, nor the other way round.
    expect((await allStats()).map((s) => s.task)).not.toContain("deployed-mailer");

    await deploy(["deployed-mailer"]);
    expect((await prodStats()).map((s) => s.task)).toEqual(["deployed-mailer"]);
    expect(await prodTestPage()).toEqual(["deployed-mailer"]);
  });
});
