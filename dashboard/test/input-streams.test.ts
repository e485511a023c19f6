/**
 * Input streams (`streams.input`), as in Trigger.dev v4: a backend sends data to a running task with the real
 * @trigger.dev/sdk 4.8.3 (`streams.input({ id }).send(runId, data)`), and the task receives it with `.once()`,
 * `.on()`, `.peek()` or `.wait()` (a waitpoint: the run may suspend, and a record sent before `.wait()` completes it
 * at once). A real `stint dev` session of a real webapp runs the tasks (test/fixtures/input-streams-project).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configure, runs, streams, tasks } from "trigger-sdk-latest";
import type { DevProcess } from "@stint/cli/testing";
import { startTestWebapp, type TestWebapp } from "./harness/index.js";
import { copyFixtureProject, startDevSession, stopDevSession } from "./harness/dev-session.js";

let t: TestWebapp;
let session: DevProcess;
const approval = streams.input<{ approved: boolean; reviewer: string }>({ id: "approval" });
const messages = streams.input<{ text: string }>({ id: "messages" });

beforeAll(async () => {
  t = await startTestWebapp();
  configure({ baseURL: t.webapp.url, accessToken: t.dev.secretKey });
  session = await startDevSession(t, copyFixtureProject("input-streams-project", t.project.ref));
}, 300_000);

afterAll(async () => {
  await stopDevSession(session);
  await t?.stop();
});

async function finished(runId: string) {
  const run = await runs.poll(runId, { pollIntervalMs: 250 });
  if (run.status !== "COMPLETED")
    throw new Error(`${runId} ended ${run.status}: ${JSON.stringify(run.error)}\n${session.output.slice(-3000)}`);
  return run.output as any;
}

/** Waits until the run is executing (its code is running), so data is sent to a task that is listening. */
async function executing(runId: string) {
  for (const deadline = Date.now() + 120_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
    const run = await runs.retrieve(runId);
    if (run.status === "EXECUTING" || run.status === "WAITING") return;
  }
  throw new Error(`${runId} did not start`);
}

describe("input streams", () => {
  it(".once() gets the next record sent to the run; .peek() the latest", async () => {
    const handle = await tasks.trigger("input-once", {});
    await executing(handle.id);
    await approval.send(handle.id, { approved: true, reviewer: "ada" });
    const data = { approved: true, reviewer: "ada" };
    expect(await finished(handle.id)).toEqual({ data, peeked: data });
  });

  it(".on() calls its handler for every record, in the order sent", async () => {
    const handle = await tasks.trigger("input-on", { count: 3 });
    await executing(handle.id);
    for (const text of ["one", "two", "three"]) await messages.send(handle.id, { text });
    expect(await finished(handle.id)).toEqual({ received: ["one", "two", "three"] });
  });

  it(".wait() waits on a waitpoint until a record is sent", async () => {
    const handle = await tasks.trigger("input-wait", {});
    await executing(handle.id);
    await new Promise((r) => setTimeout(r, 1_000));
    await approval.send(handle.id, { approved: false, reviewer: "bo" });
    expect(await finished(handle.id)).toEqual({ data: { approved: false, reviewer: "bo" } });
  });

  it("a record sent before the task calls .wait() completes it at once", async () => {
    const handle = await tasks.trigger("input-wait", {});
    await approval.send(handle.id, { approved: true, reviewer: "early" });
    expect(await finished(handle.id)).toEqual({ data: { approved: true, reviewer: "early" } });
  });

  it(".wait() suspends the run; after the resume each wait gets its own record, replayed from the journal", async () => {
    const handle = await tasks.trigger("input-wait-suspends", {});
    await executing(handle.id);
    // No process is held while it waits: stint dev says so when the run first suspends.
    await session.waitFor("input-wait-suspends suspended", 0, 60_000);
    await approval.send(handle.id, { approved: true, reviewer: "first" });
    await new Promise((r) => setTimeout(r, 3_000));
    await approval.send(handle.id, { approved: true, reviewer: "second" });
    expect(await finished(handle.id)).toEqual({
      first: { approved: true, reviewer: "first" },
      second: { approved: true, reviewer: "second" },
    });
    const run = await runs.retrieve(handle.id);
    expect(run.status).toBe("COMPLETED");
  });

  it("timeouts: .wait() ends with a WaitpointTimeoutError, .once() with an InputStreamTimeoutError", async () => {
    const handle = await tasks.trigger("input-timeouts", {});
    expect(await finished(handle.id)).toEqual({
      waited: "WaitpointTimeoutError",
      onced: 'InputStreamTimeoutError: Timed out after 500ms waiting for input stream "approval"',
    });
  });

  it("sending to a finished run is refused with a clear error", async () => {
    const handle = await tasks.trigger("input-once", {});
    await approval.send(handle.id, { approved: true, reviewer: "x" });
    await finished(handle.id);
    await expect(approval.send(handle.id, { approved: true, reviewer: "late" })).rejects.toThrow(
      /has finished \(COMPLETED\); input streams take data only while a run is going/,
    );
  });
});
