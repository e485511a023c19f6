/**
 * `stint dev` says what a suspension means the first time a task's run suspends: run() re-runs from the top on
 * resume, and how to keep the process alive instead. Once per task, not once per run.
 */
import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Client, Connection } from "@temporalio/client";
import { StintEngineClient, stintDataConverter } from "@stint/temporal-workers";
import { startStandaloneDev, type DevProcess } from "./harness/dev-process.js";

const CLI = join(import.meta.dirname, "../bin/stint.mjs");
const address = inject("temporalAddress");
const queues = {
  workflowQueue: `notice-engine-${randomUUID().slice(0, 8)}`,
  attemptQueue: `notice-attempts-${randomUUID().slice(0, 8)}`,
};

let dev: DevProcess;
let engine: StintEngineClient;
let connection: Connection;

beforeAll(async () => {
  const project = join(mkdtempSync(join(tmpdir(), "stint-notice-")), "project");
  cpSync(join(import.meta.dirname, "fixtures/suspend-project"), project, { recursive: true });
  connection = await Connection.connect({ address });
  engine = new StintEngineClient({
    client: new Client({ connection, dataConverter: stintDataConverter }),
    workflowTaskQueue: queues.workflowQueue,
    attemptQueue: queues.attemptQueue,
    environment: { id: "env_dev", slug: "dev", type: "DEVELOPMENT", projectRef: "proj_suspend_fixture" },
  });
  dev = startStandaloneDev(project, { cli: CLI, temporalAddress: address, ...queues });
  await dev.waitFor("Registered tasks: doze, nap", 0, 180_000);
});

afterAll(async () => {
  dev?.child.kill("SIGTERM");
  await connection?.close();
});

async function completed(task: string, payload: unknown) {
  const { id } = await engine.trigger({ task, payload });
  for (const deadline = Date.now() + 90_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
    const state = await engine.runState(id);
    if (!["QUEUED", "EXECUTING", "WAITING", "DELAYED"].includes(state.status)) return state;
  }
  throw new Error(`run ${id} did not finish`);
}

const count = (text: string, part: string) => text.split(part).length - 1;

describe("the suspension notice", () => {
  it("is printed once per task, when its first run suspends", async () => {
    const runs = await Promise.all([
      completed("nap", { label: "a" }),
      completed("nap", { label: "b" }),
      completed("doze", {}),
    ]);
    expect(runs.map((r) => r.status)).toEqual(["COMPLETED", "COMPLETED", "COMPLETED"]);
    // Each run suspended once and replayed: two executions of its one attempt.
    for (const run of runs) expect(run.attempts[0]!.executions).toBe(2);
    // The session's output arrives through a pipe: wait for each run's last line before counting.
    for (const run of runs) await dev.waitFor(`✔ completed ${run.taskIdentifier} ${run.id} attempt 1 (replay)`);
    expect(count(dev.output, "⏸ suspended at waitpoint #1 nap")).toBe(2);
    expect(count(dev.output, "ⓘ nap suspended")).toBe(1);
    expect(count(dev.output, "ⓘ doze suspended")).toBe(1);
    expect(dev.output).toMatch(
      /run\(\) starts again from the top: init, middleware and the code before waitpoint #1\s+re-run/,
    );
    expect(dev.output).toContain('checkpointThreshold: "never"');
    // The code before the wait did re-run: its log line is there twice per nap run.
    expect(count(dev.output, "before the wait a")).toBe(2);
  });
});
