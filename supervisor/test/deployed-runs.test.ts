/**
 * Deployed runs on worker servers, end to end: `stint deploy` registers a version, a production key triggers runs
 * through the REST API with the real @trigger.dev/sdk, and supervisors started as an operator starts them execute the
 * attempts from the `workers.default` queue — in a child process (process executor) or in a container (Docker
 * executor) — with the environment's variables and not the supervisor's, logs in the run's logs; a wait past the
 * checkpoint threshold ends the container and the resume replays in a new one; two supervisors: `kill -9` of the one
 * running an attempt → the run completes on the other without redoing its completed waitpoint, and the first one,
 * restarted, removes the container it left.
 *
 * One file for everything on `workers.default`: supervisors of another test file would take these attempts.
 */
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { configure, envvars, runs, tasks } from "trigger-sdk-latest";
import { createProject } from "@stint/dashboard";
import { containersOf, docker } from "./harness/container-executor.js";
import { deployProject, startStack, startSupervisor, supervisorArgs, type Stack, type SupervisorProcess } from "./harness/stack.js";

let stack: Stack;
let prod: { id: string; secretKey: string };
let version: string;
const supervisors: SupervisorProcess[] = [];
const start = (options: Parameters<typeof supervisorArgs>[1]) => {
  const supervisor = startSupervisor(supervisorArgs(stack, options));
  supervisors.push(supervisor);
  return supervisor;
};

/** Stops every supervisor started by the test (SIGTERM, then what is left is killed). */
async function stopSupervisors(): Promise<void> {
  await Promise.all(
    supervisors.splice(0).map(async (supervisor) => {
      supervisor.child.kill("SIGTERM");
      const timer = setTimeout(() => supervisor.kill(), 20_000);
      await supervisor.exited;
      clearTimeout(timer);
    }),
  );
}

async function finished(runId: string, timeoutMs = 120_000) {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await new Promise((r) => setTimeout(r, 250))) {
    const run = await runs.retrieve(runId);
    if (run.isCompleted) return run;
  }
  throw new Error(`${runId} did not finish in ${timeoutMs} ms`);
}

beforeAll(async () => {
  stack = await startStack();
  const org = await stack.webapp.db.organization.findFirstOrThrow();
  const project = await createProject(stack.webapp.db, org.id, "Deployed");
  prod = project.environments.find((env) => env.type === "PRODUCTION")!;
  configure({ baseURL: stack.webapp.url, accessToken: prod.secretKey });
  await envvars.create(project.ref, "prod", { name: "GREETING", value: "set on the dashboard" });
  version = await deployProject(stack, prod.secretKey, project.ref);
});

afterEach(stopSupervisors);

afterAll(async () => {
  await stopSupervisors();
  await stack?.stop();
});

describe("deployed runs on worker servers", () => {
  it("the process executor runs a production run on the version it is locked to, with the environment's variables", async () => {
    start({ token: stack.defaultToken, name: `process-${randomUUID().slice(0, 6)}`, executor: "process" });
    const handle = await tasks.trigger("deployed-describe", { name: "Ada" });
    const run = await finished(handle.id);
    expect(run.status, JSON.stringify(run.error)).toBe("COMPLETED");
    expect(run.output).toMatchObject({ greeting: "Hello Ada", version, variable: "set on the dashboard", workerToken: null, machine: "small-2x" });
    await expect.poll(async () => (await stack.webapp.events.listForRun(prod.id, handle.id)).map((line) => line.message), { timeout: 15_000 }).toContain("hello from a deployed run");

    // A payload and an output past the inline limit (128 KB) travel through the object store, reached by the worker API.
    const long = "a".repeat(300_000);
    const large = await finished((await tasks.trigger("deployed-describe", { name: long })).id);
    expect(large.status, JSON.stringify(large.error)).toBe("COMPLETED");
    expect((large.output as { greeting: string }).greeting).toBe(`Hello ${long}`);
  });

  it("the Docker executor runs it in a container of the machine the config asks for, its output in the run's logs", async () => {
    const name = `docker-${randomUUID().slice(0, 6)}`;
    const supervisor = start({ token: stack.defaultToken, name, executor: "docker" });
    await supervisor.waitForLine(/serves worker group default/);
    const handle = await tasks.trigger("deployed-describe", { name: "Grace" });
    const run = await finished(handle.id);
    expect(run.status, JSON.stringify(run.error)).toBe("COMPLETED");
    expect(run.output).toMatchObject({ greeting: "Hello Grace", version, variable: "set on the dashboard", workerToken: null, machine: "small-2x", uid: 1000 });
    await expect
      .poll(async () => (await stack.webapp.events.listForRun(prod.id, handle.id)).map((line) => line.message), { timeout: 15_000 })
      .toEqual(expect.arrayContaining(["hello from a deployed run", "printed by a deployed run"]));
    await expect.poll(async () => (await containersOf(name)).length, { timeout: 10_000 }).toBe(0);
  });

  it("a wait past the checkpoint threshold ends the container; the resume replays in a new one", async () => {
    const name = `docker-${randomUUID().slice(0, 6)}`;
    const supervisor = start({ token: stack.defaultToken, name, executor: "docker" });
    await supervisor.waitForLine(/serves worker group default/);
    const handle = await tasks.trigger("deployed-suspend", {});
    // While it waits no container of it runs: the slot is free.
    await expect.poll(async () => (await runs.retrieve(handle.id)).status, { timeout: 60_000 }).toBe("WAITING");
    await expect.poll(async () => (await containersOf(name)).length, { timeout: 10_000 }).toBe(0);
    const run = await finished(handle.id);
    expect(run.status, JSON.stringify(run.error)).toBe("COMPLETED");
    const output = run.output as { firstHost: string; resumedOn: string };
    expect(output.firstHost).toMatch(/^[0-9a-f]{12}$/);
    expect(output.resumedOn).toMatch(/^[0-9a-f]{12}$/);
    expect(output.resumedOn).not.toBe(output.firstHost);
  });

  it("SIGTERM while an attempt runs: it takes no new work, lets the attempt finish within the grace period, then stops", async () => {
    const name = `docker-${randomUUID().slice(0, 6)}`;
    const supervisor = start({ token: stack.defaultToken, name, executor: "docker", graceSeconds: 30 });
    await supervisor.waitForLine(/serves worker group default/);
    const handle = await tasks.trigger("deployed-failover", { workMs: 4_000 });
    const logs = async () => (await stack.webapp.events.listForRun(prod.id, handle.id)).map((line) => line.message);
    await expect.poll(logs, { timeout: 60_000 }).toContain("past the wait");
    supervisor.child.kill("SIGTERM");
    // Still running its attempt to the end, on this server.
    expect(await supervisor.exited).toBe(0);
    const run = await runs.retrieve(handle.id);
    expect(run.status, JSON.stringify(run.error)).toBe("COMPLETED");
    expect(run.attemptCount).toBe(1);
    expect(supervisor.lines.join("\n")).toMatch(/stopping: no new attempts; 1 running may finish within 30 s/);
    expect((await stack.webapp.db.workerServer.findFirstOrThrow({ where: { name } })).disconnectedAt).not.toBeNull();
  });

  it("kill -9 of the server running an attempt: the run completes on the other without redoing its waitpoint; restarted, the first removes its container", async () => {
    const names = [`a-${randomUUID().slice(0, 6)}`, `b-${randomUUID().slice(0, 6)}`];
    const [a, b] = names.map((name) => start({ token: stack.defaultToken, name, executor: "docker" }));
    await Promise.all([a!, b!].map((s) => s.waitForLine(/serves worker group default/)));
    const handle = await tasks.trigger("deployed-failover", { workMs: 8_000 });

    // Past its wait, in a container of one of them: kill that supervisor.
    const logs = async () => (await stack.webapp.events.listForRun(prod.id, handle.id)).map((line) => line.message);
    await expect.poll(logs, { timeout: 60_000 }).toContain("past the wait");
    const [container] = (await docker().listContainers({ all: true, filters: { label: [`dev.stint.run=${handle.id}`] } }));
    const first = container!.Labels["dev.stint.supervisor"]!;
    const victim = first === names[0] ? a! : b!;
    victim.kill();
    await victim.exited;

    const run = await finished(handle.id);
    expect(run.status, JSON.stringify(run.error)).toBe("COMPLETED");
    // Finished in another container (a container's hostname is the start of its id).
    expect((run.output as { host: string }).host).not.toBe(container!.Id.slice(0, 12));
    // The wait completed once, before the kill: the replay on the other server took it from the journal.
    const state = await stack.webapp.engines.for({ id: prod.id, slug: prod.id, type: "PRODUCTION", projectId: "", projectRef: "", organizationId: "", jwtSigningSecret: "" }).runState(handle.id);
    expect(state.journal.filter((entry) => entry.type === "duration")).toHaveLength(1);
    expect(state.attempts).toHaveLength(1);
    expect((await logs()).filter((message) => message === "past the wait").length).toBeGreaterThanOrEqual(2);

    // The killed supervisor's container is still there (exited): its next start removes it.
    expect((await containersOf(first)).length).toBe(1);
    const restarted = start({ token: stack.defaultToken, name: first, executor: "docker" });
    await restarted.waitForLine(/serves worker group default/);
    expect(restarted.lines.join("\n")).toMatch(/removed 1 container\(s\) left by an earlier run/);
    expect((await containersOf(first)).length).toBe(0);
  });
});
