/**
 * A Trigger.dev project loads under `stint dev` as it is. Files that use parts of the SDK Stint does not support yet
 * (query, chat agents and AI tools from @trigger.dev/sdk/ai, an input stream without a webapp) load, and those calls
 * fail the run that makes them with an error naming the feature; otel.metrics works at import. A file that throws
 * while it loads, or does not build, is named with its error, and every other file's tasks still register.
 */
import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Client, Connection } from "@temporalio/client";
import { StintEngineClient, stintDataConverter } from "@stint/temporal-workers";
import { startStandaloneDev, type DevProcess } from "./harness/dev-process.js";

const CLI = join(import.meta.dirname, "../bin/stint.mjs");
const address = inject("temporalAddress");
const queues = {
  workflowQueue: `loads-engine-${randomUUID().slice(0, 8)}`,
  attemptQueue: `loads-attempts-${randomUUID().slice(0, 8)}`,
};

let dev: DevProcess;
let engine: StintEngineClient;
let connection: Connection;

beforeAll(async () => {
  const project = join(mkdtempSync(join(tmpdir(), "stint-loads-")), "project");
  cpSync(join(import.meta.dirname, "fixtures/reference-project"), project, { recursive: true });
  connection = await Connection.connect({ address });
  engine = new StintEngineClient({
    client: new Client({ connection, dataConverter: stintDataConverter }),
    workflowTaskQueue: queues.workflowQueue,
    attemptQueue: queues.attemptQueue,
    environment: { id: "env_dev", slug: "dev", type: "DEVELOPMENT", projectRef: "proj_reference_fixture" },
  });
  dev = startStandaloneDev(project, { cli: CLI, temporalAddress: address, ...queues });
  await dev.waitFor("Registered tasks:", 0, 240_000);
}, 300_000);

afterAll(async () => {
  dev?.child.kill("SIGTERM");
  await connection?.close();
});

async function finished(task: string, payload: unknown) {
  const { id } = await engine.trigger({ task, payload });
  for (const deadline = Date.now() + 120_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
    const state = await engine.runState(id);
    if (!["QUEUED", "EXECUTING", "WAITING", "DELAYED"].includes(state.status)) return state;
  }
  throw new Error(`run ${id} did not finish:\n${dev.output}`);
}

describe("a Trigger.dev project loads as it is", () => {
  it("registers every task of the files that load, and names each file that does not with its error", () => {
    const registered = /Registered tasks: (.*)/.exec(dev.output)![1]!.split(", ");
    expect(registered).toEqual(["input-task", "lookup", "metrics-task", "my-chat", "ordinary", "query-task"]);
    expect(dev.output).toContain(
      "✗ src/trigger/throws-at-load.ts threw while loading, so its tasks are not registered: Error: REFERENCE_DATABASE_URL is not set",
    );
    expect(dev.output).toContain("✗ src/trigger/does-not-build.ts does not build, so its tasks are not registered:");
    // esbuild's error, with the file and line of the import that fails.
    expect(dev.output).toMatch(
      /src\/trigger\/does-not-build\.ts:1:\d+: No matching export in "src\/lib\.ts" for import "notThere"/,
    );
  });

  it("runs the other files' tasks", async () => {
    const state = await finished("ordinary", { n: 21 });
    expect(state.status).toBe("COMPLETED");
    expect(state.output).toEqual({ doubled: 42 });
  });

  it("otel.metrics: a meter made at import and its instruments work in a run", async () => {
    const state = await finished("metrics-task", {});
    expect(state.status).toBe("COMPLETED");
    expect(state.output).toBe("counted");
  });

  it("calls Stint does not support yet fail their run with an error naming the feature", async () => {
    const queried = await finished("query-task", {});
    expect(queried.status).toBe("FAILED");
    expect(queried.error?.message).toMatch(
      /^query\.execute \(TRQL queries; use runs\.list to list runs\) is not supported by Stint yet\.$/,
    );

    const chatted = await finished("my-chat", {});
    expect(chatted.status).toBe("FAILED");
    expect(chatted.error?.message).toBe("chat.agent is not supported by Stint yet.");
  });

  it("an input stream in a standalone session says it needs a webapp when used", async () => {
    const state = await finished("input-task", {});
    expect(state.status).toBe("FAILED");
    expect(state.error?.message).toMatch(
      /^streams\.input\("approval"\)\.once: no Stint webapp is configured; call configure/,
    );
  });
});
