/**
 * `stint dev` in a Trigger.dev project outside this repository that does not install @trigger.dev/sdk: it bundles
 * the tasks, runs them against a real Temporal server, and reloads on change.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Client, Connection } from "@temporalio/client";
import { StintEngineClient, stintDataConverter } from "@stint/temporal-workers";
import { DevProcess } from "./harness/dev-process.js";

const CLI = join(import.meta.dirname, "../bin/stint.mjs");
const address = inject("temporalAddress");
const queues = {
  workflowQueue: `cli-engine-${randomUUID().slice(0, 8)}`,
  attemptQueue: `cli-attempts-${randomUUID().slice(0, 8)}`,
};

/** Standalone mode: no webapp settings from the surrounding shell. */
function standaloneEnv(): NodeJS.ProcessEnv {
  const { TRIGGER_API_URL: _url, TRIGGER_SECRET_KEY: _key, ...env } = process.env;
  return { ...env, TEMPORAL_ADDRESS: "" };
}

function startDev(cwd: string, extra: string[] = []): DevProcess {
  const child = spawn(
    process.execPath,
    [
      CLI,
      "dev",
      "--temporal-address",
      address,
      "--workflow-queue",
      queues.workflowQueue,
      "--attempt-queue",
      queues.attemptQueue,
      ...extra,
    ],
    { cwd, stdio: ["ignore", "pipe", "pipe"], env: standaloneEnv() },
  );
  return new DevProcess(child);
}

let project: string;
let dev: DevProcess;
let engine: StintEngineClient;
let connection: Connection;

async function run(task: string, payload: unknown) {
  const handle = await engine.trigger({ task, payload });
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
    const state = await engine.runState(handle.id);
    if (!["QUEUED", "EXECUTING", "WAITING", "DELAYED"].includes(state.status)) return state;
  }
  throw new Error(`run ${handle.id} did not finish`);
}

beforeAll(async () => {
  project = join(mkdtempSync(join(tmpdir(), "stint-cli-")), "project");
  cpSync(join(import.meta.dirname, "fixtures/dev-project"), project, { recursive: true });
  connection = await Connection.connect({ address });
  engine = new StintEngineClient({
    client: new Client({ connection, dataConverter: stintDataConverter }),
    workflowTaskQueue: queues.workflowQueue,
    attemptQueue: queues.attemptQueue,
    environment: { id: "env_dev", slug: "dev", type: "DEVELOPMENT", projectRef: "proj_cli_fixture" },
  });
  dev = startDev(project);
  await dev.waitFor("Registered tasks: greet, shout");
});

afterAll(async () => {
  dev?.child.kill("SIGTERM");
  await connection?.close();
});

describe("stint dev", () => {
  it("runs tasks that import @trigger.dev/sdk and /v3 from a project that does not install them", async () => {
    const state = await run("greet", { name: "ada" });
    expect(state.status).toBe("COMPLETED");
    expect(state.output).toEqual({ text: "Hello ada", loud: "ADA", file: "src/trigger/greet.ts" });
    expect(dev.output).toMatch(/✔ completed greet run_\w+ attempt 1/);
  });

  it("reloads on change, and keeps the previous build when an edit does not compile", async () => {
    const file = join(project, "src/trigger/greet.ts");
    const original = readFileSync(file, "utf8");
    let mark = dev.output.length;
    writeFileSync(file, original.replace("Hello ${payload.name}", "Howdy ${payload.name}"));
    mark = await dev.waitFor("Reloaded.", mark);
    expect((await run("greet", { name: "bo" })).output).toMatchObject({ text: "Howdy bo", loud: "BO" });

    writeFileSync(file, original.replace("export const greet", "export const greet = = broken"));
    mark = await dev.waitFor("Build failed, still running the previous version", mark);
    expect((await run("greet", { name: "cy" })).output).toMatchObject({ text: "Howdy cy" });
  });

  it("stops with a clear message when the folder has no trigger.config.ts", async () => {
    const empty = mkdtempSync(join(tmpdir(), "stint-empty-"));
    const broken = startDev(empty);
    const code = await new Promise<number | null>((resolve) => broken.child.once("exit", resolve));
    expect(code).toBe(1);
    expect(broken.output).toMatch(/No trigger\.config\.ts in .*stint-empty-.*Run `stint init` there/);
  });
});
