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
import { configure, envvars, runs, tasks, wait } from "trigger-sdk-latest";
import { createProject } from "@stint/dashboard";
import { containersOf, docker } from "./harness/container-executor.js";
import {
  deployProject,
  startStack,
  startSupervisor,
  supervisorArgs,
  type Stack,
  type SupervisorProcess,
} from "./harness/stack.js";

let stack: Stack;
let prod: { id: string; secretKey: string };
let development: { id: string };
let version: string;
let projectRef: string;
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
  development = project.environments.find((env) => env.type === "DEVELOPMENT")!;
  configure({ baseURL: stack.webapp.url, accessToken: prod.secretKey });
  await envvars.create(project.ref, "prod", { name: "GREETING", value: "set on the dashboard" });
  projectRef = project.ref;
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
    expect(run.output).toMatchObject({
      greeting: "Hello Ada",
      version,
      variable: "set on the dashboard",
      workerToken: null,
      machine: "small-2x",
    });
    await expect
      .poll(async () => (await stack.webapp.events.listForRun(prod.id, handle.id)).map((line) => line.message), {
        timeout: 15_000,
      })
      .toContain("hello from a deployed run");

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
    expect(run.output).toMatchObject({
      greeting: "Hello Grace",
      version,
      variable: "set on the dashboard",
      workerToken: null,
      machine: "small-2x",
      uid: 1000,
    });
    await expect
      .poll(async () => (await stack.webapp.events.listForRun(prod.id, handle.id)).map((line) => line.message), {
        timeout: 15_000,
      })
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
    const [container] = await docker().listContainers({
      all: true,
      filters: { label: [`dev.stint.run=${handle.id}`] },
    });
    const first = container!.Labels["dev.stint.supervisor"]!;
    const victim = first === names[0] ? a! : b!;
    victim.kill();
    await victim.exited;

    const run = await finished(handle.id);
    expect(run.status, JSON.stringify(run.error)).toBe("COMPLETED");
    // Finished in another container (a container's hostname is the start of its id).
    expect((run.output as { host: string }).host).not.toBe(container!.Id.slice(0, 12));
    // The wait completed once, before the kill: the replay on the other server took it from the journal.
    const state = await stack.webapp.engines
      .for({
        id: prod.id,
        slug: prod.id,
        type: "PRODUCTION",
        projectId: "",
        projectRef: "",
        organizationId: "",
        jwtSigningSecret: "",
      })
      .runState(handle.id);
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

  // Last: it deploys a new version, which the runs of the cases above must not see.
  it("warm starts: the supervisor keeps a container of the current deployment started, a run takes it; a new deploy drains it; SIGTERM leaves none", async () => {
    const name = `warm-${randomUUID().slice(0, 6)}`;
    const supervisor = start({ token: stack.defaultToken, name, executor: "docker", warmPool: 1 });
    // The webapp tells it the environment's current version; the config's machine is small-2x.
    await supervisor.waitForLine(
      new RegExp(`keeping 1 warm per machine \\(small-2x\\) for ${prod.id} version ${version}`),
    );
    const warm = async (forVersion: string) =>
      (await containersOf(name)).filter(
        (container) =>
          container.State === "running" &&
          container.Labels["dev.stint.warm"] === "true" &&
          container.Labels["dev.stint.environment"] === prod.id &&
          container.Labels["dev.stint.version"] === forVersion,
      );
    await expect.poll(async () => (await warm(version)).length, { timeout: 60_000 }).toBe(1);
    const [before] = await warm(version);

    const run = await finished((await tasks.trigger("deployed-describe", { name: "Warm" })).id);
    expect(run.status, JSON.stringify(run.error)).toBe("COMPLETED");
    expect(run.output).toMatchObject({ version, variable: "set on the dashboard", machine: "small-2x" });
    // Its code ran in the container started before the trigger (a container's hostname is the start of its id).
    expect(before!.Id.startsWith((run.output as { host: string }).host)).toBe(true);
    expect(before!.Labels["dev.stint.machine"]).toBe("small-2x");
    // Refilled with a new one.
    await expect
      .poll(async () => (await warm(version)).map((container) => container.Id), { timeout: 60_000 })
      .toEqual([expect.not.stringMatching(before!.Id)]);

    // A new deploy: its version becomes current, the old version's container is drained.
    const next = await deployProject(stack, prod.secretKey, projectRef);
    await expect.poll(async () => (await warm(next)).length, { timeout: 60_000 }).toBe(1);
    await expect.poll(async () => (await warm(version)).length, { timeout: 30_000 }).toBe(0);
    const [nextWarm] = await warm(next);
    const second = await finished((await tasks.trigger("deployed-describe", { name: "Again" })).id);
    expect(second.output).toMatchObject({ version: next });
    expect(nextWarm!.Id.startsWith((second.output as { host: string }).host)).toBe(true);
    version = next;

    supervisor.child.kill("SIGTERM");
    expect(await supervisor.exited).toBe(0);
    expect(await containersOf(name)).toEqual([]);
  });
});

/**
 * Management calls from task code (runs.retrieve, runs.list, runs.cancel, wait.retrieveToken…): the runner has no
 * network and no key, so its supervisor relays them to the webapp with its worker token, and the webapp answers for
 * the run's environment only while the run executes there, in an environment the token's group serves.
 */
describe("management calls from task code on worker servers", () => {
  /** The token a run of deployed-management waits for, once it does (its metadata says which). */
  const waitingOn = async (runId: string): Promise<string> => {
    for (const deadline = Date.now() + 90_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 250))) {
      const run = await runs.retrieve(runId);
      if (typeof run.metadata?.tokenId === "string") return run.metadata.tokenId;
      if (run.isCompleted)
        throw new Error(`${runId} ended ${run.status} before its wait: ${JSON.stringify(run.error)}`);
    }
    throw new Error(`${runId} did not wait for its token in 90 s`);
  };

  const relayedRun = async (executor: "docker" | "process") => {
    const name = `${executor}-${randomUUID().slice(0, 6)}`;
    const supervisor = start({ token: stack.defaultToken, name, executor });
    await supervisor.waitForLine(/serves worker group default/);
    const handle = await tasks.trigger("deployed-management", {});
    // It reads itself and the token it created, then waits: completed from outside with the REST API.
    const tokenId = await waitingOn(handle.id);
    await wait.completeToken(tokenId, { answer: 42 });
    const run = await finished(handle.id);
    expect(run.status, JSON.stringify(run.error)).toBe("COMPLETED");
    expect(run.output).toMatchObject({ answer: 42 });
    const seen = run.metadata!.seen as {
      self: unknown;
      listed: string[];
      child: { id: string; status: string };
      token: unknown;
    };
    expect(seen.self).toEqual({ id: handle.id, status: "EXECUTING", taskIdentifier: "deployed-management" });
    expect(seen.listed).toContain(handle.id);
    expect(seen.child).toMatchObject({ status: "CANCELED" });
    expect(seen.token).toEqual({ id: tokenId, status: "WAITING", tags: ["relayed"] });
    // The child it canceled is a run of the same environment, canceled for real.
    expect((await runs.retrieve(seen.child.id)).status).toBe("CANCELED");
    return { name, run };
  };

  it("the Docker executor: runs.retrieve on itself, runs.list, runs.cancel and wait tokens, relayed by the supervisor", async () => {
    const { name } = await relayedRun("docker");
    await expect.poll(async () => (await containersOf(name)).length, { timeout: 10_000 }).toBe(0);
  });

  it("the process executor relays them the same way", async () => {
    await relayedRun("process");
  });

  it("a worker token acts only for a run executing in an environment its group serves, never through the worker API", async () => {
    const other = await stack.group();
    // No supervisor runs: this run stays queued.
    const queued = await tasks.trigger("deployed-describe", { name: "queued" });
    const server = `probe-${randomUUID().slice(0, 6)}`;
    const register = await fetch(`${stack.webapp.url}/api/v1/worker/servers`, {
      method: "POST",
      headers: { authorization: `Bearer ${stack.defaultToken}`, "content-type": "application/json" },
      body: JSON.stringify({ name: server, capacity: 1, executor: "process", versions: [] }),
    });
    expect(register.status).toBe(200);
    const relayed = async (
      token: string,
      headers: Record<string, string>,
      path = `/api/v3/runs/${queued.id}`,
    ): Promise<{ status: number; error: string }> => {
      const response = await fetch(`${stack.webapp.url}${path}`, {
        headers: { authorization: `Bearer ${token}`, ...headers },
      });
      return { status: response.status, error: ((await response.json()) as { error: string }).error };
    };
    const headers = (run: string, environment: string, name = server) => ({
      "x-stint-relay-run": run,
      "x-stint-relay-environment": environment,
      "x-stint-relay-server": name,
    });

    // Another group's token: not for this environment, relayed or on the worker API.
    expect(await relayed(other.token, headers(queued.id, prod.id))).toEqual({
      status: 403,
      error: expect.stringMatching(/not served by worker group test-.*use that group's worker token/),
    });
    const variables = await fetch(`${stack.webapp.url}/api/v1/worker/environments/${prod.id}/variables`, {
      headers: { authorization: `Bearer ${other.token}` },
    });
    expect(variables.status).toBe(403);
    // The right group, but a server that never registered, or a run that is not executing.
    expect(await relayed(stack.defaultToken, headers(queued.id, prod.id, "nobody"))).toEqual({
      status: 403,
      error: expect.stringMatching(/Worker server nobody of group default is not connected/),
    });
    expect(await relayed(stack.defaultToken, headers(queued.id, prod.id))).toEqual({
      status: 403,
      error: expect.stringMatching(new RegExp(`Run ${queued.id} is QUEUED, not executing`)),
    });
    // A development environment's runs never execute on worker servers.
    expect((await relayed(stack.defaultToken, headers(queued.id, development.id))).status).toBe(403);
    // Bad relay headers name the header; the worker API cannot be reached through a relay.
    expect(await relayed(stack.defaultToken, headers("bogus", prod.id))).toEqual({
      status: 400,
      error: expect.stringMatching(/x-stint-relay-run.*run_/),
    });
    expect(await relayed(stack.defaultToken, headers(queued.id, prod.id), "/api/v1/worker/settings")).toEqual({
      status: 403,
      error: "The worker API cannot be called through a run's relay",
    });
    // Without the relay's headers a worker token is no environment's key.
    expect((await relayed(stack.defaultToken, {})).status).toBe(401);
    await runs.cancel(queued.id);
  });
});
