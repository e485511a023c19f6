/**
 * A supervisor as an operator runs it (`stint-supervisor --api-url … --token … --name …`): bad options and a bad
 * token are refused with a message naming the fix; with its group's token it registers and shows Connected with its
 * capacity; at start it removes containers an earlier run of the same server left behind; a rotated token cuts it off
 * at its next call (it takes no more work and exits); SIGTERM stops it and the server shows Disconnected.
 */
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { rotateWorkerToken } from "@stint/dashboard";
import { docker } from "./harness/container-executor.js";
import { startStack, startSupervisor, supervisorArgs, type Stack, type SupervisorProcess } from "./harness/stack.js";

let stack: Stack;
const running: SupervisorProcess[] = [];
const start = (args: string[], env?: Record<string, string>) => {
  const supervisor = startSupervisor(args, env);
  running.push(supervisor);
  return supervisor;
};

beforeAll(async () => {
  stack = await startStack();
});
afterEach(() => {
  for (const supervisor of running.splice(0)) supervisor.kill();
});
afterAll(async () => {
  await stack?.stop();
});

const serverRow = (name: string) => stack.webapp.db.workerServer.findFirst({ where: { name } });

describe("supervisor registration", () => {
  it("refuses bad options (exit 2) and a wrong token (exit 3) with messages naming the fix", async () => {
    const noToken = start(["--api-url", stack.webapp.url, "--name", "a"], { STINT_WORKER_TOKEN: "" });
    expect(await noToken.exited).toBe(2);
    expect(noToken.lines.join("\n")).toMatch(/--token \(or STINT_WORKER_TOKEN\) is required/);

    const badCapacity = start([
      "--api-url",
      stack.webapp.url,
      "--token",
      stack.defaultToken,
      "--name",
      "a",
      "--capacity",
      "0",
    ]);
    expect(await badCapacity.exited).toBe(2);
    expect(badCapacity.lines.join("\n")).toMatch(/--capacity: at least 1/);

    const unknownOption = start(["--api-url", stack.webapp.url, "--bogus"]);
    expect(await unknownOption.exited).toBe(2);
    expect(unknownOption.lines.join("\n")).toMatch(/--bogus/);

    const wrongToken = start(["--api-url", stack.webapp.url, "--token", `tr_wgt_${"x".repeat(40)}`, "--name", "a"]);
    expect(await wrongToken.exited).toBe(3);
    expect(wrongToken.lines.join("\n")).toMatch(/refused this supervisor's worker token.*rotated/);
  });

  it("registers with its group's token and shows Connected; SIGTERM stops it and it shows Disconnected", async () => {
    const group = await stack.group();
    const name = `server-${randomUUID().slice(0, 6)}`;
    const supervisor = start(supervisorArgs(stack, { token: group.token, name, capacity: 3 }));
    await supervisor.waitForLine(
      new RegExp(`${name} serves worker group ${group.name}: polling workers\\.${group.name}`),
    );
    expect(await serverRow(name)).toMatchObject({
      groupId: group.id,
      capacity: 3,
      executor: "process",
      disconnectedAt: null,
    });
    // Heartbeats keep it fresh.
    const first = (await serverRow(name))!.lastHeartbeatAt;
    await expect
      .poll(async () => (await serverRow(name))!.lastHeartbeatAt.getTime(), { timeout: 15_000 })
      .toBeGreaterThan(first.getTime());

    supervisor.child.kill("SIGTERM");
    expect(await supervisor.exited).toBe(0);
    expect(supervisor.lines.join("\n")).toMatch(/stopping: no new attempts/);
    expect((await serverRow(name))!.disconnectedAt).not.toBeNull();
  });

  it("a rotated token cuts it off at its next call: it takes no more work and exits", async () => {
    const group = await stack.group();
    const name = `server-${randomUUID().slice(0, 6)}`;
    const supervisor = start(supervisorArgs(stack, { token: group.token, name }));
    await supervisor.waitForLine(/serves worker group/);
    await rotateWorkerToken(stack.webapp.db, group.id);
    await supervisor.waitForLine(/refused this supervisor's worker token.*taking no more work/, 20_000);
    expect(await supervisor.exited).toBe(3);
  });

  it("removes the containers an earlier run of the same server left behind, and only those", async () => {
    const group = await stack.group();
    const name = `server-${randomUUID().slice(0, 6)}`;
    const labelled = (supervisor: string) =>
      docker().createContainer({
        Image: inject("runtimeImage"),
        Cmd: ["-e", "setTimeout(() => {}, 600000)"],
        Labels: { "dev.stint.supervisor": supervisor },
        HostConfig: { NetworkMode: "none" },
      });
    const leftOver = await labelled(name);
    await leftOver.start();
    const someoneElses = await labelled(`other-${name}`);
    try {
      const supervisor = start(supervisorArgs(stack, { token: group.token, name, executor: "docker" }));
      await supervisor.waitForLine(/serves worker group/);
      expect(supervisor.lines.join("\n")).toMatch(/removed 1 container\(s\) left by an earlier run/);
      await expect(leftOver.inspect()).rejects.toMatchObject({ statusCode: 404 });
      expect((await someoneElses.inspect()).Id).toBe(someoneElses.id);
    } finally {
      await someoneElses.remove({ force: true });
    }
  });
});
