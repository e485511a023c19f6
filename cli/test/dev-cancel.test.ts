/**
 * In `stint dev`, each attempt runs in a child process of the session: canceling a run stops its code (the side
 * effect scheduled after the cancel never happens, onCancel ran), and a task that ends its own process fails that
 * attempt while the session keeps serving. (Runs used to execute in the session's own process: a canceled run kept
 * going and finished its work, and process.exit() in a task ended the session.)
 */
import { cpSync, existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Client, Connection } from "@temporalio/client";
import { StintEngineClient, stintDataConverter, type RunState } from "@stint/temporal-workers";
import { startStandaloneDev, type DevProcess } from "./harness/dev-process.js";

const CLI = join(import.meta.dirname, "../bin/stint.mjs");
const address = inject("temporalAddress");
const queues = {
  workflowQueue: `cancel-engine-${randomUUID().slice(0, 8)}`,
  attemptQueue: `cancel-attempts-${randomUUID().slice(0, 8)}`,
};
const markers = join(mkdtempSync(join(tmpdir(), "stint-dev-cancel-")), "markers.log");

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

let dev: DevProcess;
let engine: StintEngineClient;
let connection: Connection;

async function until<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = 90_000,
): Promise<T> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms`);
}

const finalState = (runId: string): Promise<RunState> =>
  until(async () => {
    const state = await engine.runState(runId);
    return ["QUEUED", "EXECUTING", "WAITING", "DELAYED"].includes(state.status) ? undefined : state;
  }, `run ${runId} finishing`);

beforeAll(async () => {
  const project = join(mkdtempSync(join(tmpdir(), "stint-cancel-")), "project");
  cpSync(join(import.meta.dirname, "fixtures/cancel-project"), project, { recursive: true });
  connection = await Connection.connect({ address });
  engine = new StintEngineClient({
    client: new Client({ connection, dataConverter: stintDataConverter }),
    workflowTaskQueue: queues.workflowQueue,
    attemptQueue: queues.attemptQueue,
    environment: { id: "env_dev", slug: "dev", type: "DEVELOPMENT", projectRef: "proj_cancel_fixture" },
  });
  dev = startStandaloneDev(project, { cli: CLI, temporalAddress: address, ...queues });
  await dev.waitFor("Registered tasks:", 0, 240_000);
});

afterAll(async () => {
  dev?.child.kill("SIGTERM");
  await connection?.close();
});

describe("stint dev runs each attempt in a child process", () => {
  it("a canceled run's code stops: the side effect after the cancel never happens, onCancel ran", async () => {
    const { id } = await engine.trigger({ task: "slow-side-effect", payload: { markers, ms: 20_000 } });
    await until(() => stepsOf(id).includes("started"), "the run starting");
    const startedAt = Date.now();
    const pid = pidOf(id);
    expect(pid).not.toBe(dev.child.pid);
    await engine.cancelRun(id);
    expect((await finalState(id)).status).toBe("CANCELED");
    await until(() => !isAlive(pid), "the attempt's process exiting", 20_000);
    // Past the moment the side effect was due had the code kept running.
    await new Promise((r) => setTimeout(r, Math.max(0, startedAt + 21_000 - Date.now())));
    expect(stepsOf(id)).toEqual(["started", "on-cancel"]);
    expect(dev.child.exitCode).toBeNull();
    // The session says so, as `trigger dev` does.
    expect(dev.output).toMatch(new RegExp(`⊘ canceled slow-side-effect ${id} attempt 1\n`));
  });

  it("a task that calls process.exit fails its attempt, and the session runs the next run", async () => {
    const { id } = await engine.trigger({ task: "exits", payload: null });
    const failed = await finalState(id);
    expect(failed.status).toBe("FAILED");
    expect(failed.error?.name).toBe("TaskProcessExitedError");
    expect(failed.error?.message).toContain("exited with code 3");

    const { id: next } = await engine.trigger({ task: "slow-side-effect", payload: { markers, ms: 10 } });
    const completed = await finalState(next);
    expect(completed.status, JSON.stringify(completed.error)).toBe("COMPLETED");
    expect(stepsOf(next)).toEqual(["started", "side-effect"]);
    expect(dev.child.exitCode).toBeNull();
  });
});
