/**
 * Canceling a run whose attempt runs in a container: its onCancel hook runs in the container, then the container is
 * stopped and removed, and the run ends CANCELED.
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

const supervisorName = `cancel-${randomUUID().slice(0, 8)}`;
let t: TestEngine;
let c: ContainerExecutor;

beforeAll(async () => {
  c = containerExecutor({ supervisorName, environmentId: "env_cancel" });
  await c.executor.activate(buildVersion(c.store, "20261201.1", [fixture("container-tasks.ts")]));
  t = await startTestEngine({}, { executor: c.executor });
});

afterAll(async () => {
  await t?.stop();
  await c?.executor.close();
});

describe("cancel in a container", () => {
  it("runs onCancel in the container, then stops and removes it", async () => {
    const { id } = await t.engine.trigger({ task: "container-run-until-canceled", payload: null });
    // Its run() is under way (a cancel before that stops the container without onCancel, as in stint dev).
    const printed = () => c.lines.filter((line) => line.runId === id).map((line) => line.message);
    await expect.poll(printed, { timeout: 60_000 }).toContain("running until canceled");
    expect(
      (await containersOf(supervisorName)).filter(
        (container) => container.Labels["dev.stint.run"] === id && container.State === "running",
      ),
    ).toHaveLength(1);
    await t.engine.cancelRun(id);
    const state = await t.waitForRun(id);
    expect(state.status).toBe("CANCELED");
    await expect.poll(printed, { timeout: 10_000 }).toContain("onCancel ran in the container");
    await expect.poll(async () => (await containersOf(supervisorName)).length, { timeout: 15_000 }).toBe(0);
  });
});
