/**
 * Retries in development follow the project's `retries.enabledInDev`, as in Trigger.dev, also when `stint dev` runs
 * as a session of the webapp (whose engine runs the runs): the session sends the setting when it registers, and runs
 * of its tasks retry only if it is true. Driven with the real `stint dev` and the real @trigger.dev/sdk client.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configure, runs, tasks } from "@trigger.dev/sdk";
import type { DevProcess } from "@stint/cli/testing";
import { startDevSession, stopDevSession } from "./harness/dev-session.js";
import { startTestWebapp, type TestWebapp } from "./harness/index.js";

let t: TestWebapp;
let session: DevProcess | undefined;
const project = mkdtempSync(join(tmpdir(), "stint-dev-retries-"));

/** The session joins the project its config names: the test webapp's. */
function writeProject(enabledInDev: boolean): void {
  mkdirSync(join(project, "src/trigger"), { recursive: true });
  writeFileSync(
    join(project, "trigger.config.ts"),
    `import { defineConfig } from "@trigger.dev/sdk";\nexport default defineConfig({ project: "${t.project.ref}", maxDuration: 60, retries: { enabledInDev: ${enabledInDev} } });\n`,
  );
  writeFileSync(
    join(project, "src/trigger/flaky.ts"),
    `import { task } from "@trigger.dev/sdk";\nexport const flaky = task({ id: "dev-retry-flaky", retry: { maxAttempts: 3, minTimeoutInMs: 100, maxTimeoutInMs: 200 }, run: async () => { throw new Error("always fails"); } });\n`,
  );
}

function startSession(): Promise<DevProcess> {
  return startDevSession(t, project, { readyLine: "Registered tasks: dev-retry-flaky" });
}

async function stopSession(): Promise<void> {
  await stopDevSession(session);
  session = undefined;
}

async function finalRun(runId: string) {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 250))) {
    const run = await runs.retrieve(runId);
    if (run.isCompleted) return run;
  }
  throw new Error(`run ${runId} did not finish`);
}

beforeAll(async () => {
  t = await startTestWebapp();
  configure({ baseURL: t.webapp.url, accessToken: t.dev.secretKey });
});
afterAll(async () => {
  await stopSession();
  await t?.stop();
});

describe("retries in development", () => {
  it("retries.enabledInDev: true — a failing run is retried up to its task's maxAttempts", async () => {
    writeProject(true);
    session = await startSession();
    const run = await finalRun((await tasks.trigger("dev-retry-flaky", {})).id);
    expect(run.status).toBe("FAILED");
    expect(run.attemptCount).toBe(3);
    await stopSession();
  });

  it("retries.enabledInDev: false — the same task fails after one attempt", async () => {
    writeProject(false);
    session = await startSession();
    const run = await finalRun((await tasks.trigger("dev-retry-flaky", {})).id);
    expect(run.status).toBe("FAILED");
    expect(run.attemptCount).toBe(1);
  });
});
