/** logger.* inside a run reaches the executor's log sink with the run id, attempt and attributes. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { logger, task } from "@stint/sdk";
import { startTestEngine, type TestEngine } from "./harness/index.js";

const chatty = task({
  id: "logger-task",
  run: async (payload: { user: string }) => {
    logger.debug("debugging", { step: 1 });
    logger.info("hello", { user: payload.user });
    logger.warn("careful");
    logger.error("oops", { code: 42 });
    return await logger.trace("traced-step", async (span) => {
      span.setAttribute("items", 3);
      return "ok";
    });
  },
});

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine();
});
afterAll(async () => t?.stop());

describe("logger", () => {
  it("logs carry level, message, attributes, run id and attempt", async () => {
    const handle = await chatty.trigger({ user: "ada" });
    expect((await t.waitForRun(handle.id)).output).toBe("ok");
    const lines = t.logs
      .filter((l) => l.runId === handle.id)
      .map(({ level, message, attributes, attempt }) => ({ level, message, attributes, attempt }));
    expect(lines.slice(0, 4)).toEqual([
      { level: "debug", message: "debugging", attributes: { step: 1 }, attempt: 1 },
      { level: "info", message: "hello", attributes: { user: "ada" }, attempt: 1 },
      { level: "warn", message: "careful", attributes: undefined, attempt: 1 },
      { level: "error", message: "oops", attributes: { code: 42 }, attempt: 1 },
    ]);
    expect(lines[4]).toMatchObject({ level: "debug", message: "traced-step", attributes: { items: 3 } });
  });
});
