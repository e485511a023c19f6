/**
 * A task that uses more memory than its machine preset gives it is killed by the kernel inside its container
 * (OOMKilled): the attempt fails with an OutOfMemoryError naming the machine, it is not retried as an ordinary crash,
 * and the container is removed. A task with `retry.outOfMemory.machine` is retried on that machine: the retry's
 * container has its memory limit.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEngine, type TestEngine } from "@stint/temporal-workers/testing";
import {
  buildVersion,
  containerExecutor,
  containersOf,
  docker,
  fixture,
  type ContainerExecutor,
} from "./harness/container-executor.js";

const supervisorName = `oom-${randomUUID().slice(0, 8)}`;
let t: TestEngine;
let c: ContainerExecutor;

beforeAll(async () => {
  c = containerExecutor({ supervisorName, environmentId: "env_oom" });
  await c.executor.activate(buildVersion(c.store, "20261201.1", [fixture("container-tasks.ts")]));
  t = await startTestEngine({ retriesEnabled: true }, { executor: c.executor });
});

afterAll(async () => {
  await t?.stop();
  await c?.executor.close();
});

describe("out of memory in a container", () => {
  it("fails the attempt with OutOfMemoryError when the kernel kills the container for memory, without retrying it", async () => {
    // Remember how the container ended before the supervisor removes it.
    let oomKilled: boolean | undefined;
    const events = await docker().getEvents({
      filters: { label: [`dev.stint.supervisor=${supervisorName}`], event: ["oom", "die"] },
    });
    events.on("data", (chunk: Buffer) => {
      for (const line of chunk.toString().split("\n").filter(Boolean)) {
        const event = JSON.parse(line) as { Action: string; Actor: { Attributes: Record<string, string> } };
        if (event.Action === "oom") oomKilled = true;
        if (event.Action === "die") oomKilled ??= event.Actor.Attributes.exitCode === "137";
      }
    });
    try {
      const { id } = await t.engine.trigger({
        task: "container-eat-memory",
        payload: null,
        options: { machine: "micro" },
      });
      const state = await t.waitForRun(id, undefined, 120_000);
      expect(state.status).toBe("FAILED");
      expect(state.error).toMatchObject({ name: "OutOfMemoryError" });
      expect(state.error!.message).toMatch(/ran out of memory \(machine micro: 0\.25 GB\)/);
      // The task allows 3 attempts, but running out of memory again on the same machine would not help.
      expect(state.attempts).toHaveLength(1);
      expect(oomKilled).toBe(true);
      await expect.poll(async () => (await containersOf(supervisorName)).length, { timeout: 10_000 }).toBe(0);
    } finally {
      (events as unknown as { destroy(): void }).destroy();
    }
  });

  it("retries on the machine retry.outOfMemory.machine names: the retry's container has that machine's memory", async () => {
    const { id } = await t.engine.trigger({ task: "container-outgrow-micro", payload: null });
    const state = await t.waitForRun(id, undefined, 120_000);
    expect(state.status, JSON.stringify(state.error)).toBe("COMPLETED");
    expect(state.attempts.map((attempt) => attempt.status)).toEqual(["FAILED", "COMPLETED"]);
    expect(state.attempts[0]!.error).toMatchObject({ name: "OutOfMemoryError" });
    expect(state.attempts[0]!.error!.message).toMatch(/machine micro: 0\.25 GB/);
    // The second attempt ran in a small-1x container (512 MB), and the run says so.
    expect(state.output).toMatchObject({ machine: "small-1x", memoryLimit: String(512 * 1024 ** 2), held: 20 });
    expect(state.machine).toBe("small-1x");
    await expect.poll(async () => (await containersOf(supervisorName)).length, { timeout: 10_000 }).toBe(0);
  });
});
