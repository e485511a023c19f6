/**
 * triggerAndSubscribe, as in Trigger.dev's reference project: trigger a child and follow it to its end without a
 * waitpoint — several at once, results as triggerAndWait gives them (`.unwrap()` throws SubtaskUnwrapError), and an
 * abort signal that stops following and cancels the child (or leaves it running with `cancelOnAbort: false`; an
 * already aborted signal triggers nothing).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runs, task, tasks } from "@stint/sdk";
import { startTestEngine, type TestEngine } from "./harness/index.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const childWork = task({
  id: "tas-child",
  retry: { maxAttempts: 1 },
  run: async (payload: { label: string; delayMs?: number; shouldFail?: boolean }) => {
    await sleep(payload.delayMs ?? 100);
    if (payload.shouldFail) throw new Error(`Child task "${payload.label}" intentionally failed`);
    return { label: payload.label };
  },
});

const parallel = task({
  id: "tas-parallel",
  run: async () => {
    const results = await Promise.all([
      childWork.triggerAndSubscribe({ label: "p1", delayMs: 2_000 }),
      childWork.triggerAndSubscribe({ label: "p2", delayMs: 2_000 }),
      tasks.triggerAndSubscribe<typeof childWork>("tas-child", { label: "p3", delayMs: 2_000 }),
    ]);
    return { labels: results.map((r) => (r.ok ? r.output.label : null)), ids: results.map((r) => r.id) };
  },
});

const mixed = task({
  id: "tas-mixed",
  retry: { maxAttempts: 1 },
  run: async () => {
    const [success, failure] = await Promise.all([
      childWork.triggerAndSubscribe({ label: "ok" }),
      childWork.triggerAndSubscribe({ label: "bad", shouldFail: true }),
    ]);
    const unwrapped = await childWork
      .triggerAndSubscribe({ label: "unwrap", shouldFail: true })
      .unwrap()
      .then(
        () => "resolved",
        (error: Error) => `${error.name}: ${error.message}`,
      );
    return {
      success: success.ok ? success.output : null,
      failure: failure.ok
        ? null
        : { id: failure.id, taskIdentifier: failure.taskIdentifier, message: (failure.error as Error).message },
      unwrapped,
    };
  },
});

const aborts = task({
  id: "tas-abort",
  retry: { maxAttempts: 1 },
  run: async (payload: { cancelOnAbort: boolean }) => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 1_500);
    let childId: string | undefined;
    const outcome = await childWork
      .triggerAndSubscribe(
        { label: "long", delayMs: 8_000 },
        { signal: controller.signal, cancelOnAbort: payload.cancelOnAbort },
      )
      .then(
        (result) => ((childId = result.id), "finished"),
        (error: Error) => `${error.name}: ${error.message}`,
      );
    // The child is the newest run of its task.
    for await (const run of runs.list({ taskIdentifier: "tas-child", limit: 1 })) {
      childId ??= run.id;
      break;
    }
    return { outcome, childId };
  },
});

const preAborted = task({
  id: "tas-pre-aborted",
  run: async (_payload: unknown, { ctx }) => {
    const controller = new AbortController();
    controller.abort("pre-aborted");
    const outcome = await childWork
      .triggerAndSubscribe({ label: "should-not-run" }, { signal: controller.signal, tags: [`pre-${ctx.run.id}`] })
      .then(
        () => "finished",
        (error: Error) => error.message,
      );
    return { outcome };
  },
});

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine();
});
afterAll(async () => t?.stop());

async function completed(runId: string) {
  const state = await t.waitForRun(runId, undefined, 90_000);
  expect(state.status, JSON.stringify(state.error)).toBe("COMPLETED");
  return state.output as any;
}

describe("triggerAndSubscribe", () => {
  it("follows several children at once (no waitpoint): each result arrives, and the children ran side by side", async () => {
    const output = await completed((await parallel.trigger()).id);
    expect(output.labels).toEqual(["p1", "p2", "p3"]);
    const children = await Promise.all((output.ids as string[]).map((id) => t.waitForRun(id)));
    // Triggered together, not one after another: every child started before the first one finished.
    const lastStart = Math.max(...children.map((c) => Date.parse(c.startedAt!)));
    const firstEnd = Math.min(...children.map((c) => Date.parse(c.finishedAt!)));
    expect(lastStart).toBeLessThan(firstEnd);
  });

  it("gives triggerAndWait's results: ok with the output, or the child's error; unwrap throws SubtaskUnwrapError", async () => {
    const output = await completed((await mixed.trigger()).id);
    expect(output.success).toEqual({ label: "ok" });
    expect(output.failure).toMatchObject({
      taskIdentifier: "tas-child",
      message: 'Child task "bad" intentionally failed',
    });
    expect(output.failure.id).toMatch(/^run_/);
    expect(output.unwrapped).toBe('SubtaskUnwrapError: Error in tas-child: Child task "unwrap" intentionally failed');
  });

  it("an abort stops following and cancels the child", async () => {
    const output = await completed((await aborts.trigger({ cancelOnAbort: true })).id);
    expect(output.outcome).toMatch(
      /AbortError: triggerAndSubscribe was aborted|AbortError: This operation was aborted/,
    );
    const child = await t.waitForRun(
      output.childId,
      (state) => state.status !== "EXECUTING" && state.status !== "QUEUED",
    );
    expect(child.status).toBe("CANCELED");
  });

  it("with cancelOnAbort: false the child keeps running to its end", async () => {
    const output = await completed((await aborts.trigger({ cancelOnAbort: false })).id);
    expect(output.outcome).toMatch(/AbortError/);
    const child = await t.waitForRun(output.childId, undefined, 60_000);
    expect(child.status).toBe("COMPLETED");
    expect(child.output).toEqual({ label: "long" });
  });

  it("an already aborted signal triggers nothing", async () => {
    const handle = await preAborted.trigger({});
    expect((await completed(handle.id)).outcome).toBe("triggerAndSubscribe was aborted: pre-aborted");
    // Given time to show up in Temporal's visibility, a child would be listed under its tag.
    await sleep(3_000);
    expect((await t.engine.listRuns({ tag: `pre-${handle.id}` })).data).toEqual([]);
  });
});
