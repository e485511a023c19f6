/**
 * Serialisation as Trigger.dev does it (superjson): circular and repeated references and BigInts travel in payloads
 * sent by the real @trigger.dev/sdk 4.8.3, in outputs and child results, in logs, metadata and stream chunks of any JSON
 * type. Task code gets them as themselves; what the REST API answers is JSON as Trigger.dev prints such values
 * (a BigInt as its digits, a circular reference as "[Circular]"), never a 500. A real `stint dev` session of a real
 * webapp runs the tasks (test/fixtures/serialization-project).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configure, runs, streams, tasks } from "trigger-sdk-latest";
import type { DevProcess } from "@stint/cli/testing";
import { startTestWebapp, type TestWebapp } from "./harness/index.js";
import { copyFixtureProject, startDevSession, stopDevSession } from "./harness/dev-session.js";

let t: TestWebapp;
let session: DevProcess;

beforeAll(async () => {
  t = await startTestWebapp();
  configure({ baseURL: t.webapp.url, accessToken: t.dev.secretKey });
  session = await startDevSession(t, copyFixtureProject("serialization-project", t.project.ref));
}, 300_000);

afterAll(async () => {
  await stopDevSession(session);
  await t?.stop();
});

async function completed(runId: string) {
  for (const deadline = Date.now() + 90_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 250))) {
    const run = await runs.retrieve(runId);
    if (!run.isCompleted) continue;
    if (run.status !== "COMPLETED")
      throw new Error(`${runId} ended ${run.status}: ${JSON.stringify(run.error)}\n${session.output.slice(-3000)}`);
    return run;
  }
  throw new Error(`${runId} did not finish within 90 s:\n${session.output.slice(-3000)}`);
}

describe("serialisation", () => {
  it("a payload with a circular reference, a repeated one and a BigInt reaches the task as itself", async () => {
    const node: { name: string; self?: unknown } = { name: "root" };
    node.self = node;
    const shared = { x: 1 };
    const handle = await tasks.trigger("ser-echo", {
      node,
      left: shared,
      right: shared,
      big: 2n ** 70n,
      at: new Date("2026-01-02T03:04:05Z"),
    });
    const run = await completed(handle.id);
    expect(run.output.checks).toEqual({ circular: true, repeated: true, bigint: true, date: true });
    // The REST API prints such values as Trigger.dev does.
    expect(run.output.echo.node).toEqual({ name: "root", self: "[Circular]" });
    expect(run.output.echo.big).toBe("1180591620717411303424");
    expect(run.output.echo.left).toEqual({ x: 1 });
    expect(run.output.echo.right).toEqual({ x: 1 });
    expect(run.payload.big).toBe("1180591620717411303424");
  });

  it("a child's output with a cycle and a BigInt comes back to its parent as itself", async () => {
    const run = await completed((await tasks.trigger("ser-parent", {})).id);
    expect(run.output).toEqual({ childSelf: true, childBig: true });
  });

  it("realtime: runs.subscribeToRun gives an output's BigInt and cycle as themselves", async () => {
    const handle = await tasks.trigger("ser-child-cycle", {});
    for await (const run of runs.subscribeToRun(handle.id)) {
      if (!run.isCompleted) continue;
      expect(run.status).toBe("COMPLETED");
      const output = run.output as { big: bigint; self: unknown };
      expect(output.big).toBe(9007199254740993n);
      expect(output.self).toBe(output);
      break;
    }
  });

  it("a log line with BigInts and a cycle in its attributes is kept", async () => {
    const handle = await tasks.trigger("ser-logs", {});
    await completed(handle.id);
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 250))) {
      const line = await t.webapp.db.runEvent.findFirst({ where: { runId: handle.id, message: "values" } });
      if (!line) continue;
      expect(line.attributes).toMatchObject({
        big: "42",
        nested: { n: "7" },
        node: { name: "logged", big: "9007199254740993", self: "[Circular]" },
      });
      return;
    }
    throw new Error(`the log line of ${handle.id} did not arrive:\n${session.output.slice(-3000)}`);
  });

  it("metadata with BigInts: the task keeps them, the API prints their digits", async () => {
    const handle = await tasks.trigger("ser-metadata", {});
    const run = await completed(handle.id);
    expect(run.output).toEqual({ stillBigInt: true });
    expect(run.metadata).toEqual({ big: "12345678901234567890", shared: { list: ["1", "2"] } });
  });

  it("stream chunks of every JSON type read back as themselves (an object as the object)", async () => {
    const handle = await tasks.trigger("ser-streams", {});
    await completed(handle.id);
    const chunks: unknown[] = [];
    for await (const chunk of await streams.read(handle.id, "values")) chunks.push(chunk);
    expect(chunks).toEqual([{ n: 1, label: "first" }, [1, 2, 3], "text", 42, true, null, { big: "10" }]);
  });
});
