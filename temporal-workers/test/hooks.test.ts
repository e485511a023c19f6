/** Lifecycle hooks: task-level and global, called once each with the documented parameters, around retries. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { task, tasks } from "@stint/sdk";
import { startTestEngine, type TestEngine } from "./harness/index.js";

const calls: Record<string, string[]> = {};
const log = (runId: string, entry: string) => (calls[runId] ??= []).push(entry);

const hooked = task({
  id: "hooks-task",
  retry: { maxAttempts: 2, minTimeoutInMs: 10, randomize: false },
  run: async (payload: { fail: number }, { ctx }) => {
    log(ctx.run.id, `run#${ctx.attempt.number}`);
    if (ctx.attempt.number <= payload.fail) throw new Error(`fail ${ctx.attempt.number}`);
    return { attempt: ctx.attempt.number };
  },
  onStartAttempt: ({ ctx, payload }) => log(ctx.run.id, `onStartAttempt#${ctx.attempt.number}:${payload.fail}`),
  onSuccess: ({ ctx, output }) => log(ctx.run.id, `onSuccess:${JSON.stringify(output)}`),
  onFailure: ({ ctx, error }) => log(ctx.run.id, `onFailure:${(error as Error).message}`),
  onComplete: ({ ctx, result }) => log(ctx.run.id, `onComplete:${result.ok}`),
  catchError: ({ ctx, error }) => {
    log(ctx.run.id, `catchError#${ctx.attempt.number}:${(error as Error).message}`);
  },
  middleware: async ({ ctx, next }) => {
    log(ctx.run.id, "middleware:before");
    await next();
    log(ctx.run.id, "middleware:after");
  },
});

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine();
  tasks.onStartAttempt(({ ctx, task: id }) => log(ctx.run.id, `global onStartAttempt:${id}`));
  tasks.onSuccess(({ ctx }) => log(ctx.run.id, "global onSuccess"));
  tasks.onFailure(({ ctx }) => log(ctx.run.id, "global onFailure"));
  tasks.onComplete(({ ctx }) => log(ctx.run.id, "global onComplete"));
  tasks.middleware(async ({ ctx, next }) => {
    log(ctx.run.id, "global middleware:before");
    await next();
  });
});
afterAll(async () => t?.stop());

describe("lifecycle hooks", () => {
  it("a run that fails once then succeeds calls each hook in order", async () => {
    const handle = await hooked.trigger({ fail: 1 });
    expect((await t.waitForRun(handle.id)).status).toBe("COMPLETED");
    expect(calls[handle.id]).toEqual([
      "global onStartAttempt:hooks-task",
      "onStartAttempt#1:1",
      "global middleware:before",
      "middleware:before",
      "run#1",
      "catchError#1:fail 1",
      "global onStartAttempt:hooks-task",
      "onStartAttempt#2:1",
      "global middleware:before",
      "middleware:before",
      "run#2",
      "middleware:after",
      "global onSuccess",
      'onSuccess:{"attempt":2}',
      "global onComplete",
      "onComplete:true",
    ]);
  });

  it("onFailure and onComplete run once, after the last attempt fails", async () => {
    const handle = await hooked.trigger({ fail: 5 });
    expect((await t.waitForRun(handle.id)).status).toBe("FAILED");
    const entries = calls[handle.id]!;
    expect(entries.filter((e) => e.startsWith("run#"))).toEqual(["run#1", "run#2"]);
    expect(entries.slice(-4)).toEqual([
      "global onFailure",
      "onFailure:fail 2",
      "global onComplete",
      "onComplete:false",
    ]);
  });
});
