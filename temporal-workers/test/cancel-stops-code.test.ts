/**
 * Cancel stops running code: each attempt execution runs in a runner process of its own, and a cancel (or the end
 * of maxDuration) stops that process, so a side effect scheduled after the cancel never happens — even in code that
 * ignores the abort signal or never yields to the event loop. The worker keeps serving the next run.
 */
import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startTestEngine, type TestEngine } from "./harness/index.js";
import { startRunnerExecutor } from "./harness/runner-executor.js";
import type { RunnerExecutor } from "../src/executor/runner-executor.js";

const markers = join(mkdtempSync(join(tmpdir(), "stint-cancel-")), "markers.log");
const lines = () => (existsSync(markers) ? readFileSync(markers, "utf8").trim().split("\n") : []);
const stepsOf = (runId: string) => lines().filter((line) => line.split(" ")[1] === runId).map((line) => line.split(" ")[0]);
const pidOf = (runId: string) => Number(lines().find((line) => line.split(" ")[1] === runId)?.split(" ")[2]);
const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

let t: TestEngine;
let executor: RunnerExecutor;
beforeAll(async () => {
  executor = await startRunnerExecutor({ cancelGraceMs: 1_000 });
  t = await startTestEngine({}, { executor });
});
afterAll(async () => {
  await t?.stop();
  executor?.close();
});

async function startedRun(task: string, payload: object, options: object = {}): Promise<string> {
  const { id } = await t.engine.trigger({ task, payload: { markers, ...payload }, options });
  await eventually(() => stepsOf(id).includes("started"), 60_000, `${task} started`);
  return id;
}

describe("cancel stops running code", () => {
  it("a canceled run's process is stopped: the side effect after the cancel never happens, onCancel ran", async () => {
    const runId = await startedRun("runner-side-effect-later", { ms: 30_000 });
    const pid = pidOf(runId);
    expect(pid).not.toBe(process.pid);
    await t.engine.cancelRun(runId);
    expect((await t.waitForRun(runId)).status).toBe("CANCELED");
    await eventually(() => !isAlive(pid), 10_000, "the runner process exited");
    await new Promise((r) => setTimeout(r, 2_000));
    expect(stepsOf(runId)).toEqual(["started", "on-cancel"]);
  });

  it("code that never yields (a synchronous loop) is stopped after the cancel grace", async () => {
    const runId = await startedRun("runner-busy-loop", { ms: 30_000 });
    const pid = pidOf(runId);
    await t.engine.cancelRun(runId);
    expect((await t.waitForRun(runId)).status).toBe("CANCELED");
    await eventually(() => !isAlive(pid), 10_000, "the busy runner process exited");
    await new Promise((r) => setTimeout(r, 2_000));
    expect(stepsOf(runId)).toEqual(["started"]);
  });

  it("maxDuration stops a synchronous loop: TIMED_OUT, and its code stops", async () => {
    const runId = await startedRun("runner-busy-loop", { ms: 30_000 }, { maxDuration: 5 });
    const state = await t.waitForRun(runId);
    expect(state.status).toBe("TIMED_OUT");
    expect(state.error?.name).toBe("MaxDurationExceededError");
    await eventually(() => !isAlive(pidOf(runId)), 10_000, "the busy runner process exited");
    await new Promise((r) => setTimeout(r, 2_000));
    expect(stepsOf(runId)).toEqual(["started"]);
  });

  it("the worker keeps serving: the next run completes in a fresh process", async () => {
    const { id } = await t.engine.trigger({ task: "runner-healthy", payload: { n: 21 } });
    const state = await t.waitForRun(id);
    expect(state.status).toBe("COMPLETED");
    expect((state.output as { doubled: number }).doubled).toBe(42);
  });
});
