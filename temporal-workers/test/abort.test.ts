/** Errors that end a run at once: AbortTaskRunError, and schemaTask payloads that fail their schema. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AbortTaskRunError, TaskPayloadParsedError, schemaTask, task } from "@stint/sdk";
import { z } from "zod";
import { startTestEngine, type TestEngine } from "./harness/index.js";

const aborting = task({
  id: "abort-task",
  retry: { maxAttempts: 5, minTimeoutInMs: 10 },
  run: async () => {
    throw new AbortTaskRunError("no point retrying");
  },
});

const typed = schemaTask({
  id: "abort-schema",
  retry: { maxAttempts: 5, minTimeoutInMs: 10 },
  schema: z.object({ email: z.string().email(), count: z.number().int().positive() }),
  run: async (payload) => ({ email: payload.email, count: payload.count }),
});

const parseFn = schemaTask({
  id: "abort-parse-fn",
  schema: (value: unknown) => {
    if (typeof value !== "string") throw new Error("expected a string payload");
    return value.toUpperCase();
  },
  run: async (payload) => payload,
});

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine();
});
afterAll(async () => t?.stop());

describe("abort", () => {
  it("AbortTaskRunError fails the run after one attempt", async () => {
    const state = await t.waitForRun((await aborting.trigger()).id);
    expect(state.status).toBe("FAILED");
    expect(state.attemptCount).toBe(1);
    expect(state.error).toMatchObject({ name: "AbortTaskRunError", message: "no point retrying" });
  });

  it("schemaTask parses on trigger: a bad payload throws TaskPayloadParsedError to the caller", async () => {
    await expect(typed.trigger({ email: "nope", count: 1 })).rejects.toBeInstanceOf(TaskPayloadParsedError);
    await expect(typed.trigger({ email: "a@b.co", count: 0 })).rejects.toThrow(/Parsing payload with schema failed/);
    const ok = await t.waitForRun((await typed.trigger({ email: "a@b.co", count: 2 })).id);
    expect(ok.output).toEqual({ email: "a@b.co", count: 2 });
    const viaFn = await t.waitForRun((await parseFn.trigger("shout")).id);
    expect(viaFn.output).toBe("SHOUT");
  });

  it("a payload that fails the schema at run time (triggered by id) is not retried", async () => {
    const handle = await t.engine.trigger({ task: "abort-schema", payload: { email: "still-bad", count: 1 } });
    const state = await t.waitForRun(handle.id);
    expect(state.status).toBe("FAILED");
    expect(state.attemptCount).toBe(1);
    expect(state.error?.name).toBe("TaskPayloadParsedError");
  });
});
