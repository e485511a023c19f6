/**
 * `stint dev` on a project of 200 generated tasks, each with its own queue (Trigger.dev's reference project has about
 * as many): one session registers them all and polls one task queue, so Temporal never answers "namespace concurrent
 * poller limit exceeded" (one worker per queue did, ~4,000 times a minute, and runs waited 36–41 s to start). Start
 * latency against a 5-task session is measured in bench/dev-session-scale.ts, not here.
 */
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Connection } from "@temporalio/client";
import { configure, runs, tasks } from "@trigger.dev/sdk";
import { DevProcess, generatedTaskId, writeGeneratedProject } from "@stint/cli/testing";
import { startTestWebapp, type TestWebapp } from "./harness/index.js";

const CLI = join(import.meta.dirname, "../../cli/bin/stint.mjs");
const TASKS = 200;
let t: TestWebapp;
let session: DevProcess;

beforeAll(async () => {
  t = await startTestWebapp();
  const project = mkdtempSync(join(tmpdir(), "stint-large-"));
  writeGeneratedProject(project, { tasks: TASKS, projectRef: t.project.ref });
  const { TEMPORAL_ADDRESS: _unused, ...env } = process.env;
  session = new DevProcess(
    spawn(process.execPath, [CLI, "dev", "--no-watch"], {
      cwd: project,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...env, TRIGGER_API_URL: t.webapp.url, TRIGGER_SECRET_KEY: t.dev.secretKey },
    }),
  );
  await session.waitFor(`Registered tasks: ${generatedTaskId(0)}`, 0, 180_000);
  configure({ baseURL: t.webapp.url, accessToken: t.dev.secretKey });
}, 240_000);

afterAll(async () => {
  session?.child.kill("SIGTERM");
  await t?.stop();
});

describe("a dev session of 200 tasks and 200 queues", () => {
  it("registers every task and queue in one session that polls one task queue, with one worker", async () => {
    const [row] = await t.webapp.db.devSession.findMany({ where: { environmentId: t.dev.id } });
    expect(row!.tasks).toHaveLength(TASKS);
    expect(row!.taskQueue).toBe(`dev-session.${row!.id}`);
    expect(
      await t.webapp.db.taskQueue.count({ where: { environmentId: t.dev.id, name: { endsWith: "-queue" } } }),
    ).toBe(TASKS);

    const connection = await Connection.connect({ address: inject("temporalAddress") });
    try {
      const pollers = async () =>
        (
          await connection.workflowService.describeTaskQueue({
            namespace: "default",
            taskQueue: { name: row!.taskQueue },
            taskQueueType: 2 /* activity */,
          })
        ).pollers ?? [];
      await expect.poll(async () => (await pollers()).length, { timeout: 30_000 }).toBe(1);
      // No queue per task any more: the old per-task queue name has nobody polling it.
      const old = await connection.workflowService.describeTaskQueue({
        namespace: "default",
        taskQueue: { name: `dev.${t.dev.id}.${generatedTaskId(7)}` },
        taskQueueType: 2,
      });
      expect(old.pollers ?? []).toHaveLength(0);
    } finally {
      await connection.close();
    }
  });

  it("runs of its first, middle and last tasks complete, and the session never hits Temporal's poller limit", async () => {
    const picked = [0, 1, 57, 99, 100, 142, 198, 199].map(generatedTaskId);
    const handles = await Promise.all(picked.map((id, n) => tasks.trigger(id, { n })));
    for (const [n, handle] of handles.entries()) {
      const run = await runs.poll(handle.id, { pollIntervalMs: 250 });
      expect(run.status).toBe("COMPLETED");
      expect(run.output).toMatchObject({ task: picked[n], n });
    }
    expect(session.output).not.toMatch(/poller limit|ResourceExhausted|RESOURCE_EXHAUSTED/i);
    expect(session.child.exitCode).toBeNull();
  });
});
