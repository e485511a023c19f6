/**
 * A task that crashes its process fails that attempt, never the worker: process.exit, an unhandled rejection, an
 * uncaught exception, a heap out of memory (a runner with a small --max-old-space-size) and a segfault each end
 * their attempt with a clear error, and the same worker then serves the next run.
 */
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEngine, type TestEngine } from "./harness/index.js";
import { startRunnerExecutor } from "./harness/runner-executor.js";
import type { RunnerExecutor } from "../src/executor/runner-executor.js";

const markers = join(mkdtempSync(join(tmpdir(), "stint-crash-")), "markers.log");
const stepsOf = (runId: string) =>
  (existsSync(markers) ? readFileSync(markers, "utf8").trim().split("\n") : [])
    .filter((line) => line.split(" ")[1] === runId)
    .map((line) => line.split(" ")[0]);

let t: TestEngine;
let executor: RunnerExecutor;
beforeAll(async () => {
  executor = await startRunnerExecutor({
    launch: { execArgv: ["--max-old-space-size=96"], stdout: "ignore", forwardStderr: false },
  });
  t = await startTestEngine({}, { executor });
});
afterAll(async () => {
  await t?.stop();
  await executor?.close();
});

async function run(task: string) {
  const { id } = await t.engine.trigger({ task, payload: { markers } });
  return { id, state: await t.waitForRun(id, undefined, 90_000) };
}

async function expectHealthy() {
  const { id } = await t.engine.trigger({ task: "runner-healthy", payload: { n: 2 } });
  const state = await t.waitForRun(id);
  expect(state.status).toBe("COMPLETED");
  expect((state.output as { doubled: number }).doubled).toBe(4);
}

describe("a crashing task fails its attempt, not the worker", () => {
  it("process.exit(3): the attempt fails naming the exit code, and is retried per the task's retry settings", async () => {
    const { id, state } = await run("runner-process-exit");
    expect(state.status).toBe("FAILED");
    expect(state.error?.name).toBe("TaskProcessExitedError");
    expect(state.error?.message).toMatch(/exited with code 3 before the attempt finished/);
    expect(state.attempts.map((a) => a.status)).toEqual(["FAILED", "FAILED"]);
    expect(stepsOf(id)).toEqual(["attempt-1", "attempt-2"]);
    await expectHealthy();
  });

  it("an unhandled rejection fails the attempt with its error, through the usual failure path (onFailure runs)", async () => {
    const { id, state } = await run("runner-unhandled-rejection");
    expect(state.status).toBe("FAILED");
    expect(state.error?.name).toBe("UncaughtExceptionError");
    expect(state.error?.message).toBe("Unhandled promise rejection in task code: the payment provider said no");
    expect(stepsOf(id)).toEqual(["started", "on-failure"]);
    await expectHealthy();
  });

  it("an exception thrown from a timer fails the attempt", async () => {
    const { state } = await run("runner-uncaught-exception");
    expect(state.status).toBe("FAILED");
    expect(state.error?.message).toBe(
      "Uncaught exception in task code: cannot read properties of undefined (reading 'id')",
    );
    await expectHealthy();
  });

  it("running out of heap fails the attempt with OutOfMemoryError", async () => {
    const { state } = await run("runner-out-of-memory");
    expect(state.status).toBe("FAILED");
    expect(state.error?.name).toBe("OutOfMemoryError");
    expect(state.error?.message).toMatch(/ran out of memory \(JavaScript heap limit reached\)/);
    expect(state.attempts).toHaveLength(1);
    await expectHealthy();
  });

  it("a segfault fails the attempt naming SIGSEGV", async () => {
    const { state } = await run("runner-segfault");
    expect(state.status).toBe("FAILED");
    expect(state.error?.name).toBe("TaskProcessCrashedError");
    expect(state.error?.message).toMatch(/segmentation fault \(SIGSEGV\)/);
    await expectHealthy();
  });
});
