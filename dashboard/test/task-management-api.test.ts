/**
 * Task code can call the whole management API in a webapp session, as the real SDK does inside a Trigger.dev task:
 * runs (retrieve, poll, list across pages, subscribeToRun), batches (triggered from an async iterable, retrieved),
 * idempotency keys (reset), waitpoint tokens (retrieve, list), public access tokens, schedules, queues, env vars, and
 * triggerAndSubscribe — with the session environment's own key. A real `stint dev` session of a real webapp runs the
 * tasks (test/fixtures/management-project); the test triggers them with the real @trigger.dev/sdk 4.8.3.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auth, configure, runs, tasks } from "trigger-sdk-latest";
import type { DevProcess } from "@stint/cli/testing";
import { startTestWebapp, type TestWebapp } from "./harness/index.js";
import { copyFixtureProject, startDevSession, stopDevSession } from "./harness/dev-session.js";

let t: TestWebapp;
let session: DevProcess;

beforeAll(async () => {
  t = await startTestWebapp();
  configure({ baseURL: t.webapp.url, accessToken: t.dev.secretKey });
  session = await startDevSession(t, copyFixtureProject("management-project", t.project.ref));
}, 300_000);

afterAll(async () => {
  await stopDevSession(session);
  await t?.stop();
});

/** Triggers `taskId` from the backend and waits for it (the session runs it); its output, or the run's error. */
async function outputOf(taskId: string, payload: unknown = {}): Promise<any> {
  const handle = await tasks.trigger(taskId, payload);
  const run = await runs.poll(handle, { pollIntervalMs: 250 });
  if (run.status !== "COMPLETED")
    throw new Error(`${taskId} ended ${run.status}: ${JSON.stringify(run.error)}\n${session.output.slice(-3000)}`);
  return run.output;
}

describe("the management API from task code, in a webapp session", () => {
  it("runs.poll, runs.subscribeToRun, runs.retrieve and runs.list (for await, across pages)", async () => {
    const output = await outputOf("mgmt-runs");
    expect(output).toEqual({ polled: { doubled: 2 }, lastStatus: "COMPLETED", retrieved: { doubled: 4 }, listed: 2 });
  });

  it("batch.trigger from an async iterable, then batch.retrieve of that batch", async () => {
    expect(await outputOf("mgmt-batches")).toEqual({ runCount: 3, retrievedRuns: 3, sameRuns: true });
  });

  it("idempotencyKeys.reset: a repeated key names the same run until it is reset", async () => {
    expect(await outputOf("mgmt-idempotency")).toEqual({ repeatedIsSame: true, afterResetIsNew: true });
  });

  it("wait.retrieveToken and wait.listTokens (for await) on a token the run created and completed", async () => {
    expect(await outputOf("mgmt-tokens")).toEqual({
      before: "WAITING",
      after: "COMPLETED",
      output: { approved: true },
      listed: true,
    });
  });

  it("auth.createPublicToken signs a token the webapp accepts for exactly the runs it names", async () => {
    const { runId, token } = await outputOf("mgmt-public-token");
    const other = await tasks.trigger("mgmt-child", { n: 1 });
    const seen = await auth.withAuth({ baseURL: t.webapp.url, accessToken: token }, () => runs.retrieve(runId));
    expect(seen.id).toBe(runId);
    await expect(
      auth.withAuth({ baseURL: t.webapp.url, accessToken: token }, () => runs.retrieve(other.id)),
    ).rejects.toMatchObject({ status: 403 });
  });

  it("schedules.create, list (for await), retrieve, del and timezones", async () => {
    expect(await outputOf("mgmt-schedules")).toEqual({
      listed: true,
      cron: "0 9 * * 1",
      timezone: "Europe/Paris",
      utcExcluded: true,
    });
  });

  it("queues.list (for await, across pages) and envvars of the run's own project and environment", async () => {
    const output = await outputOf("mgmt-queues-envvars");
    expect(output.variable).toBe("from-task");
    // One queue per task (named after it), read two per page.
    expect(output.queues).toEqual([
      "mgmt-batches",
      "mgmt-child",
      "mgmt-idempotency",
      "mgmt-public-token",
      "mgmt-queues-envvars",
      "mgmt-runs",
      "mgmt-scheduled",
      "mgmt-schedules",
      "mgmt-tokens",
      "mgmt-trigger-and-subscribe",
    ]);
  });

  it("triggerAndSubscribe: two children at once, each result as triggerAndWait gives it", async () => {
    expect(await outputOf("mgmt-trigger-and-subscribe")).toEqual({ a: { doubled: 20 }, b: { doubled: 40 } });
  });
});
