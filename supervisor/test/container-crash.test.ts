/**
 * Task code that crashes its container (process.exit) fails that attempt with TaskProcessExitedError, and the run
 * retries as its task's retry settings say, in a new container.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEngine, type TestEngine } from "@stint/temporal-workers/testing";
import {
  buildVersion,
  containerExecutor,
  containersOf,
  fixture,
  type ContainerExecutor,
} from "./harness/container-executor.js";

const supervisorName = `crash-${randomUUID().slice(0, 8)}`;
let t: TestEngine;
let c: ContainerExecutor;

beforeAll(async () => {
  c = containerExecutor({ supervisorName, environmentId: "env_crash" });
  await c.executor.activate(buildVersion(c.store, "20261201.1", [fixture("container-tasks.ts")]));
  t = await startTestEngine({ retriesEnabled: true }, { executor: c.executor });
});

afterAll(async () => {
  await t?.stop();
  await c?.executor.close();
});

describe("a crash in a container", () => {
  it("fails the attempt with TaskProcessExitedError and retries it in a new container", async () => {
    const { id } = await t.engine.trigger({ task: "container-crash-once", payload: null });
    const state = await t.waitForRun(id);
    expect(state.status, JSON.stringify(state.error)).toBe("COMPLETED");
    expect(state.output).toEqual({ attempt: 2 });
    expect(state.attempts).toHaveLength(2);
    expect(state.attempts[0]).toMatchObject({ status: "FAILED", error: { name: "TaskProcessExitedError" } });
    expect(state.attempts[0]!.error!.message).toMatch(/exited with code 3/);
    await expect.poll(async () => (await containersOf(supervisorName)).length, { timeout: 10_000 }).toBe(0);
  });
});
