/**
 * Each attempt execution runs in a hardened container of Stint's runtime image (built locally from this host's Node),
 * against a real Docker engine and a real Temporal: no network (unless the deployment asks for the host's), no capabilities, no privilege escalation, a read-only
 * root filesystem with a tmpfs /tmp, a pids limit, an unprivileged user, no Docker socket, the machine preset's CPU
 * and memory, the environment's variables and not the supervisor's; logger lines and what task code prints reach the
 * run's logs; the container is removed when its execution ends.
 */
import { randomUUID } from "node:crypto";
import { networkInterfaces } from "node:os";
import type Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startTestEngine, type TestEngine } from "@stint/temporal-workers/testing";
import {
  buildVersion,
  containerExecutor,
  containersOf,
  docker,
  fixture,
  type ContainerExecutor,
} from "./harness/container-executor.js";

const supervisorName = `hardening-${randomUUID().slice(0, 8)}`;
let t: TestEngine;
let c: ContainerExecutor;

beforeAll(async () => {
  process.env.STINT_WORKER_TOKEN = "tr_wgt_the-supervisors-own-secret";
  c = containerExecutor({
    supervisorName,
    environmentId: "env_hardening",
    variables: { GREETING: "hello from the environment" },
  });
  await c.executor.activate(buildVersion(c.store, "20261201.1", [fixture("container-tasks.ts")]));
  t = await startTestEngine({}, { executor: c.executor });
});

afterAll(async () => {
  await t?.stop();
  await c?.executor.close();
});

describe("hardened containers", () => {
  it("runs the attempt in a container with no network, no capabilities, a read-only root, an unprivileged user and the machine's limits", async () => {
    const seen = inspectRunContainer(supervisorName);
    const { id } = await t.engine.trigger({
      task: "container-describe",
      payload: null,
      options: { machine: "small-2x" },
    });
    const state = await t.waitForRun(id);
    expect(state.status, JSON.stringify(state.error)).toBe("COMPLETED");
    const inside = state.output as Record<string, any>;
    expect(inside).toMatchObject({
      uid: 1000,
      gid: 1000,
      capEff: "0000000000000000",
      noNewPrivs: "1",
      rootWrite: "EROFS",
      tmpWrite: "ok",
      networkInterfaces: ["lo"],
      dockerSocket: false,
      variable: "hello from the environment",
      workerToken: null,
      machine: "small-2x",
      // small-2x: 1 vCPU, 1 GB; the heap gets three quarters of it.
      memoryLimit: String(1024 ** 3),
      heapLimitMb: expect.any(Number),
    });
    expect(["EROFS", "EACCES"]).toContain(inside.etcWrite);
    expect(inside.heapLimitMb).toBeGreaterThanOrEqual(768);
    expect(inside.heapLimitMb).toBeLessThan(1024);
    expect(inside.cpuQuota === "100000" || inside.cpuQuota?.startsWith("100000 ")).toBe(true);
    expect(Number(inside.pidsMax)).toBe(256);

    const config = await seen;
    expect(config.Config.Labels).toMatchObject({
      "dev.stint.supervisor": supervisorName,
      "dev.stint.run": id,
      "dev.stint.machine": "small-2x",
      "dev.stint.environment": "env_hardening",
    });
    expect(config.Config.User).toBe("1000:1000");
    expect(config.Config.Image).toBe(inject("runtimeImage"));
    expect(config.HostConfig).toMatchObject({
      NetworkMode: "none",
      SecurityOpt: ["no-new-privileges"],
      CapDrop: ["ALL"],
      ReadonlyRootfs: true,
      PidsLimit: 256,
      Memory: 1024 ** 3,
      MemorySwap: 1024 ** 3,
      NanoCpus: 1e9,
      Privileged: false,
    });
    expect(config.HostConfig.Tmpfs).toHaveProperty("/tmp");
    expect(config.HostConfig.Binds!.join(" ")).not.toContain("docker.sock");
    expect(config.Config.Env!.join("\n")).not.toContain("tr_wgt_");

    // Logs: the logger line through the runner protocol, the printed line from the container's output.
    await expect.poll(() => c.lines.map((line) => line.message)).toContain("a line printed by task code");
    expect(c.lines.find((line) => line.message === "a line printed by task code")).toMatchObject({
      runId: id,
      environmentId: "env_hardening",
      attempt: 1,
      level: "log",
    });
    // The execution's container is gone once the run finished.
    await expect.poll(async () => (await containersOf(supervisorName)).length, { timeout: 10_000 }).toBe(0);
  });

  it("relays durable waits from the container to the run's workflow", async () => {
    const { id } = await t.engine.trigger({ task: "container-wait", payload: null });
    const state = await t.waitForRun(id);
    expect(state.status, JSON.stringify(state.error)).toBe("COMPLETED");
    expect(state.output).toEqual({ waited: true });
    expect(state.journal.map((entry) => entry.type)).toEqual(["duration"]);
  });

  it('a deployment whose trigger.config.ts asks for network: "host" gets the host\'s network, and only that one', async () => {
    const name = `${supervisorName}-net`;
    const withNetwork = containerExecutor({ supervisorName: name, environmentId: "env_network", network: "host" });
    await withNetwork.executor.activate(buildVersion(withNetwork.store, "20261201.1", [fixture("container-tasks.ts")]));
    const engine = await startTestEngine({}, { executor: withNetwork.executor });
    try {
      const seen = inspectRunContainer(name);
      const { id } = await engine.engine.trigger({ task: "container-describe", payload: null });
      const state = await engine.waitForRun(id);
      expect(state.status, JSON.stringify(state.error)).toBe("COMPLETED");
      // The same interfaces as this host: the container shares its network namespace.
      expect((state.output as { networkInterfaces: string[] }).networkInterfaces.sort()).toEqual(
        Object.keys(networkInterfaces()).sort(),
      );
      const config = await seen;
      expect(config.HostConfig.NetworkMode).toBe("host");
      // The rest of the hardening stays.
      expect(config.HostConfig).toMatchObject({
        CapDrop: ["ALL"],
        ReadonlyRootfs: true,
        SecurityOpt: ["no-new-privileges"],
      });
    } finally {
      await engine.stop();
      await withNetwork.executor.close();
    }
  });
});

/** Watches for the container of a run while it exists: its configuration is what the supervisor asked Docker for. */
function inspectRunContainer(name: string): Promise<Docker.ContainerInspectInfo> {
  return new Promise<Docker.ContainerInspectInfo>((resolve) => {
    const timer = setInterval(async () => {
      const [info] = (await containersOf(name)).filter((container) => container.Labels["dev.stint.run"]);
      // Gone again before it could be inspected: keep watching (the assertions wait for the one seen).
      const inspected =
        info &&
        (await docker()
          .getContainer(info.Id)
          .inspect()
          .catch(() => undefined));
      if (!inspected) return;
      clearInterval(timer);
      resolve(inspected);
    }, 20);
  });
}
