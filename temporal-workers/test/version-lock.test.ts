/**
 * A run is locked to the bundle version its first execution ran: after the project is rebuilt with changed tasks,
 * a suspended run resumes — and a failed attempt retries — on its original code, while new runs take the new code.
 * (Replayed on the new code, the suspended run would fail with "Replay diverged".)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEngine, type TestEngine } from "./harness/index.js";
import { buildFixture, fixture, startRunnerExecutor } from "./harness/runner-executor.js";
import type { RunnerExecutor } from "../src/executor/runner-executor.js";

const v1 = buildFixture(fixture("version-lock-v1.ts"), "v1");
const v2 = buildFixture(fixture("version-lock-v2.ts"), "v2");
const notices: string[] = [];

let t: TestEngine;
let executor: RunnerExecutor;
beforeAll(async () => {
  executor = await startRunnerExecutor({ bundle: v1, onNotice: (message) => notices.push(message) });
  t = await startTestEngine({}, { executor });
});
afterAll(async () => {
  await t?.stop();
  await executor?.close();
});

describe("version lock", () => {
  it("a run suspended on version 1 resumes on version 1 after version 2 became current", async () => {
    const { id: suspended } = await t.engine.trigger({ task: "version-lock-waits", payload: null });
    await t.waitForRun(suspended, (s) => s.status === "WAITING" && s.version === "v1");
    await executor.activate(v2);

    const { id: fresh } = await t.engine.trigger({ task: "version-lock-waits", payload: null });
    const [resumed, started] = await Promise.all([t.waitForRun(suspended), t.waitForRun(fresh)]);
    expect(resumed.status, JSON.stringify(resumed.error)).toBe("COMPLETED");
    expect(resumed.attempts[0]!.executions).toBe(2);
    expect(resumed.output).toEqual({ code: "v1", version: "v1" });
    expect(resumed.version).toBe("v1");
    expect(started.status, JSON.stringify(started.error)).toBe("COMPLETED");
    expect(started.output).toMatchObject({ code: "v2", version: "v2" });
    expect(started.version).toBe("v2");
  });

  it("a failed attempt retries on its run's version", async () => {
    await executor.activate(v1);
    const { id } = await t.engine.trigger({ task: "version-lock-retries", payload: null });
    await t.waitForRun(id, (s) => s.attempts[0]?.status === "FAILED");
    await executor.activate(v2);
    const state = await t.waitForRun(id);
    expect(state.status).toBe("COMPLETED");
    expect(state.output).toEqual({ code: "v1", attempt: 2 });
  });

  it("a run whose version is gone runs on the current one, and says so", async () => {
    const { id } = await t.engine.trigger({
      task: "version-lock-retries",
      payload: null,
      options: { version: "v0-deleted" },
    });
    const state = await t.waitForRun(id);
    expect(state.status).toBe("COMPLETED");
    expect(state.output).toEqual({ code: "v2", attempt: 1 });
    expect(state.version).toBe("v2");
    expect(notices.some((n) => n.includes(`${id} started on version v0-deleted, which is no longer on disk`))).toBe(
      true,
    );
  });
});

describe("version lock in a deployed environment", () => {
  const children1 = buildFixture(fixture("version-lock-children-v1.ts"), "20261130.1");
  const children2 = buildFixture(fixture("version-lock-children-v2.ts"), "20261130.2");
  let deployed: TestEngine;
  let runners: RunnerExecutor;
  beforeAll(async () => {
    runners = await startRunnerExecutor({ bundle: children1 });
    await runners.activate(children2);
    deployed = await startTestEngine({}, { executor: runners, environmentType: "PRODUCTION" });
  });
  afterAll(async () => {
    await deployed?.stop();
    await runners?.close();
  });

  it("children a run triggers (triggerAndWait and trigger) run the version their parent is locked to", async () => {
    const { id } = await deployed.engine.trigger({
      task: "version-lock-parent",
      payload: null,
      options: { version: "20261130.1" },
    });
    const parent = await deployed.waitForRun(id);
    expect(parent.status, JSON.stringify(parent.error)).toBe("COMPLETED");
    const output = parent.output as {
      code: string;
      version: string;
      child: { code: string; version: string };
      startedChild: string;
    };
    expect(output).toMatchObject({ code: "v1", version: "20261130.1", child: { code: "v1", version: "20261130.1" } });
    const started = await deployed.waitForRun(output.startedChild);
    expect(started.output).toEqual({ code: "v1", version: "20261130.1" });
    expect(started.version).toBe("20261130.1");
  });
});
