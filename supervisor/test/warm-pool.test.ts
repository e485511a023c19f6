/**
 * Warm starts: the Docker executor keeps containers started ahead of time for the current version, one pool per
 * machine preset, each with the version already loaded. A run is served by one of them (told by the container id its
 * code sees as hostname, not by timing), of its own machine; the container serves that execution only and the pool
 * refills; making another version current drains the old version's containers; closing the executor leaves none.
 * Real Docker engine, real Temporal (startTestEngine).
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

const supervisorName = `warm-${randomUUID().slice(0, 8)}`;
const environmentId = "env_warm";
let t: TestEngine;
let c: ContainerExecutor;

/** The running warm containers of this supervisor (labels and ids), by what they were started for. */
async function warmContainers(filter: { version?: string; machine?: string } = {}) {
  return (await containersOf(supervisorName)).filter(
    (container) =>
      container.State === "running" &&
      container.Labels["dev.stint.warm"] === "true" &&
      (!filter.version || container.Labels["dev.stint.version"] === filter.version) &&
      (!filter.machine || container.Labels["dev.stint.machine"] === filter.machine),
  );
}

/** Ids of the warm containers once there are `count` of them (the pool fills in the background). */
async function warmIds(count: number, filter: { version?: string; machine?: string }): Promise<string[]> {
  await expect.poll(async () => (await warmContainers(filter)).length, { timeout: 60_000 }).toBe(count);
  return (await warmContainers(filter)).map((container) => container.Id);
}

beforeAll(async () => {
  c = containerExecutor({ supervisorName, environmentId, poolSize: 1 });
  // Indexes version 1 (in a runner that the pool then replaces with its own machines').
  await c.executor.activate(buildVersion(c.store, "20261202.1", [fixture("container-tasks.ts")]));
  c.executor.keepWarm("20261202.1", ["small-1x", "micro"]);
  t = await startTestEngine({}, { executor: c.executor });
});

afterAll(async () => {
  await t?.stop();
  await c?.executor.close();
});

describe("warm starts", () => {
  it("a run is served by a container started before it was triggered, of the run's machine; the pool refills", async () => {
    const [small] = await warmIds(1, { version: "20261202.1", machine: "small-1x" });
    const [micro] = await warmIds(1, { version: "20261202.1", machine: "micro" });

    const { id } = await t.engine.trigger({ task: "container-describe", payload: null });
    const state = await t.waitForRun(id);
    expect(state.status, JSON.stringify(state.error)).toBe("COMPLETED");
    const inside = state.output as Record<string, any>;
    // Docker names a container's host after its id: the run's code ran in the small-1x container started earlier.
    expect(small!.startsWith(inside.hostname)).toBe(true);
    expect(inside).toMatchObject({ machine: "small-1x", memoryLimit: String(512 * 1024 ** 2), uid: 1000 });
    // What it printed belongs to the run that took it.
    await expect
      .poll(() => c.lines.filter((line) => line.runId === id).map((line) => line.message))
      .toContain("a line printed by task code");

    // It served that execution only: gone, and a new warm one of the same machine took its place.
    await expect.poll(async () => (await containersOf(supervisorName)).some((x) => x.Id === small)).toBe(false);
    const [refilled] = await warmIds(1, { version: "20261202.1", machine: "small-1x" });
    expect(refilled).not.toBe(small);

    // A run asking for another machine takes that machine's container.
    const other = await t.engine.trigger({ task: "container-describe", payload: null, options: { machine: "micro" } });
    const microState = await t.waitForRun(other.id);
    expect(microState.status, JSON.stringify(microState.error)).toBe("COMPLETED");
    expect(micro!.startsWith((microState.output as { hostname: string }).hostname)).toBe(true);
    expect(microState.output).toMatchObject({ machine: "micro", memoryLimit: String(256 * 1024 ** 2) });
  });

  it("a run of a machine no pool keeps starts its own container (cold)", async () => {
    const warmBefore = (await warmContainers()).map((container) => container.Id);
    const { id } = await t.engine.trigger({
      task: "container-describe",
      payload: null,
      options: { machine: "small-2x" },
    });
    const state = await t.waitForRun(id);
    expect(state.status, JSON.stringify(state.error)).toBe("COMPLETED");
    const host = (state.output as { hostname: string }).hostname;
    expect(warmBefore.some((warm) => warm.startsWith(host))).toBe(false);
    expect(state.output).toMatchObject({ machine: "small-2x" });
  });

  it("another current version drains the old version's containers and warms the new one", async () => {
    await warmIds(1, { version: "20261202.1", machine: "small-1x" });
    const v2 = buildVersion(c.store, "20261202.2", [fixture("container-tasks.ts")]);
    // Its manifest is the one version 1 indexed (same tasks): a worker server gets it from the deployment.
    c.executor.addVersion(v2, { ...c.executor.currentVersion!, version: "20261202.2" });
    c.executor.keepWarm("20261202.2", ["small-1x"]);
    await expect
      .poll(async () => (await warmContainers({ version: "20261202.1" })).length, { timeout: 30_000 })
      .toBe(0);
    const [fresh] = await warmIds(1, { version: "20261202.2", machine: "small-1x" });
    // The micro pool is no longer wanted either.
    expect(await warmContainers({ machine: "micro" })).toHaveLength(0);

    const { id } = await t.engine.trigger({ task: "container-describe", payload: null });
    const state = await t.waitForRun(id);
    expect(state.status, JSON.stringify(state.error)).toBe("COMPLETED");
    expect(fresh!.startsWith((state.output as { hostname: string }).hostname)).toBe(true);
  });

  it("closing the executor removes every container, warm ones included", async () => {
    await warmIds(1, { version: "20261202.2", machine: "small-1x" });
    await c.executor.close();
    // Nothing to wait for: close resolves once its containers are gone.
    expect(await containersOf(supervisorName)).toEqual([]);
  });
});
