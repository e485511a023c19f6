/**
 * Editing a task while one of its runs is suspended does not break that run: it resumes on the version it started
 * on (kept on disk in .stint/build), also after `stint dev` itself restarted; new runs take the new code.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
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
  workflowQueue: `version-engine-${randomUUID().slice(0, 8)}`,
  attemptQueue: `version-attempts-${randomUUID().slice(0, 8)}`,
};

let project: string;
let taskFile: string;
let dev: DevProcess | undefined;
let engine: StintEngineClient;
let connection: Connection;

/** The edit: a durable call before the wait, so replaying the first version's journal on it would diverge. */
const edited = (text: string) =>
  text
    .replace(
      "await wait.for({ seconds: payload.seconds });",
      'await wait.createToken({ timeout: "1m" });\n    await wait.for({ seconds: payload.seconds });',
    )
    .replace("sent by the first version", "sent by the second version");

async function finalState(runId: string): Promise<RunState> {
  for (const deadline = Date.now() + 90_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
    const state = await engine.runState(runId);
    if (!["QUEUED", "EXECUTING", "WAITING", "DELAYED"].includes(state.status)) return state;
  }
  throw new Error(`run ${runId} did not finish`);
}

async function suspendedRun(seconds: number): Promise<string> {
  const mark = dev!.output.length;
  const { id } = await engine.trigger({ task: "reminder", payload: { seconds } });
  await dev!.waitFor(`⏸ suspended at waitpoint #1 reminder ${id}`, mark, 120_000);
  return id;
}

beforeAll(async () => {
  project = join(mkdtempSync(join(tmpdir(), "stint-version-")), "project");
  cpSync(join(import.meta.dirname, "fixtures/version-project"), project, { recursive: true });
  taskFile = join(project, "src/trigger/reminder.ts");
  connection = await Connection.connect({ address });
  engine = new StintEngineClient({
    client: new Client({ connection, dataConverter: stintDataConverter }),
    workflowTaskQueue: queues.workflowQueue,
    attemptQueue: queues.attemptQueue,
    environment: { id: "env_dev", slug: "dev", type: "DEVELOPMENT", projectRef: "proj_version_fixture" },
  });
});

afterAll(async () => {
  dev?.child.kill("SIGTERM");
  await connection?.close();
});

describe("a run stays on the code it started on", () => {
  it("an edit while a run is suspended: the run resumes on its version, a new run takes the edit", async () => {
    dev = startStandaloneDev(project, { cli: CLI, temporalAddress: address, ...queues });
    await dev.waitFor("Registered tasks: reminder", 0, 180_000);
    const original = readFileSync(taskFile, "utf8");
    const runId = await suspendedRun(8);
    const mark = dev.output.length;
    writeFileSync(taskFile, edited(original));
    await dev.waitFor("Reloaded.", mark, 120_000);
    const { id: newRunId } = await engine.trigger({ task: "reminder", payload: { seconds: 1 } });

    const [resumed, fresh] = await Promise.all([finalState(runId), finalState(newRunId)]);
    expect(resumed.status, JSON.stringify(resumed.error)).toBe("COMPLETED");
    expect(resumed.output).toBe("sent by the first version");
    expect(fresh.output).toBe("sent by the second version");
    expect(resumed.version).not.toBe(fresh.version);
    await dev.waitFor(
      `▶ reminder ${runId} attempt 1 (replay) on version ${resumed.version}, the one it started on`,
      mark,
    );
    const restored = dev.output.length;
    writeFileSync(taskFile, original);
    await dev.waitFor("Reloaded.", restored, 120_000);
  });

  it("across a restart of stint dev: the earlier version is loaded from disk", async () => {
    const runId = await suspendedRun(12);
    dev!.child.kill("SIGTERM");
    await new Promise((resolve) => dev!.child.once("exit", resolve));
    writeFileSync(taskFile, edited(readFileSync(taskFile, "utf8")));

    dev = startStandaloneDev(project, { cli: CLI, temporalAddress: address, ...queues });
    await dev.waitFor("Registered tasks: reminder", 0, 180_000);
    const resumed = await finalState(runId);
    expect(resumed.status, JSON.stringify(resumed.error)).toBe("COMPLETED");
    expect(resumed.output).toBe("sent by the first version");
  });
});
