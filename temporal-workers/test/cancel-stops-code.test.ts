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
const stepsOf = (runId: string) =>
  lines()
    .filter((line) => line.split(" ")[1] === runId)
    .map((line) => line.split(" ")[0]);
const pidOf = (runId: string) =>
  Number(
    lines()
      .find((line) => line.split(" ")[1] === runId)
      ?.split(" ")[2],
  );
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
  await executor?.close();
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

  it("a newer execution of the run (its activity timed out) stops the older one's process, without onCancel", async () => {
    const stale = await startTestEngine({ heartbeatTimeoutMs: 2_000 }, { executor });
    try {
      const { id: runId } = await stale.engine.trigger({
        task: "runner-side-effect-later",
        payload: { markers, ms: 12_000 },
      });
      await eventually(() => stepsOf(runId).includes("started"), 60_000, "the first execution started");
      const first = pidOf(runId);
      // This process stops answering (as a worker does under a long pause) while its runner keeps running:
      // no heartbeat reaches Temporal, which times the activity out and runs a newer execution of the attempt.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 6_000);
      await eventually(() => !isAlive(first), 20_000, "the first execution's runner process exited");
      const state = await stale.waitForRun(runId);
      expect(state.status, JSON.stringify(state.error)).toBe("COMPLETED");
      expect(state.attempts).toHaveLength(1);
      // Each superseded execution stopped where it was (a loaded machine may time out more than one): only the last
      // one's side effect happened, and no onCancel ran, since nobody canceled the run.
      const pids = [
        ...new Set(
          lines()
            .filter((line) => line.split(" ")[1] === runId)
            .map((line) => Number(line.split(" ")[2])),
        ),
      ];
      const stepsIn = (pid: number) =>
        lines()
          .filter((line) => line.split(" ")[1] === runId && Number(line.split(" ")[2]) === pid)
          .map((line) => line.split(" ")[0]);
      expect(pids.length).toBeGreaterThanOrEqual(2);
      expect(pids[0]).toBe(first);
      for (const pid of pids.slice(0, -1)) {
        expect(stepsIn(pid)).toEqual(["started"]);
        expect(isAlive(pid)).toBe(false);
      }
      expect(stepsIn(pids.at(-1)!)).toEqual(["started", "side-effect"]);
    } finally {
      await stale.stop();
    }
  });

  it("the worker keeps serving: the next run completes in a fresh process", async () => {
    const { id } = await t.engine.trigger({ task: "runner-healthy", payload: { n: 21 } });
    const state = await t.waitForRun(id);
    expect(state.status).toBe("COMPLETED");
    expect((state.output as { doubled: number }).doubled).toBe(42);
  });
});
