/** wait.for / wait.until are durable timers; onWait / onResume fire around real waits. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { task, tasks, wait } from "@stint/sdk";
import { startTestEngine, type TestEngine } from "./harness/index.js";

const hookCalls: { runId: string; hook: string; wait: unknown }[] = [];

const sleeper = task({
  id: "waits-sleeper",
  onWait: ({ ctx, wait: info }) => void hookCalls.push({ runId: ctx.run.id, hook: "onWait", wait: info }),
  onResume: ({ ctx, wait: info }) => void hookCalls.push({ runId: ctx.run.id, hook: "onResume", wait: info }),
  run: async (payload: { until: string }) => {
    const started = Date.now();
    await wait.for({ seconds: 1 });
    const afterFor = Date.now() - started;
    await wait.until({ date: new Date(payload.until) });
    return { afterFor, afterUntil: Date.now() - started };
  },
});

const pastDate = task({
  id: "waits-past",
  retry: { maxAttempts: 1 },
  run: async (payload: { strict: boolean }) => {
    await wait.until({ date: new Date(Date.now() - 60_000), throwIfInThePast: payload.strict });
    return "passed";
  },
});

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine();
  tasks.onWait(({ ctx, wait: info }) => void hookCalls.push({ runId: ctx.run.id, hook: "global onWait", wait: info }));
});
afterAll(async () => t?.stop());

describe("waits", () => {
  it("wait.for and wait.until wait at least as long as asked, and the run shows WAITING meanwhile", async () => {
    const until = new Date(Date.now() + 2_500);
    const handle = await sleeper.trigger({ until: until.toISOString() });
    const waiting = await t.waitForRun(handle.id, (s) => s.status === "WAITING");
    expect(waiting.journal[0]).toMatchObject({ type: "duration", done: false });
    const state = await t.waitForRun(handle.id);
    expect(state.status).toBe("COMPLETED");
    const out = state.output as { afterFor: number; afterUntil: number };
    expect(out.afterFor).toBeGreaterThanOrEqual(950);
    expect(Date.parse(state.finishedAt!)).toBeGreaterThanOrEqual(until.getTime());
    expect(state.journal.map((e) => [e.type, e.done])).toEqual([
      ["duration", true],
      ["duration", true],
    ]);
  });

  it("onWait and onResume (task and global) get the wait's type and date", async () => {
    // Far enough past the first wait (1 s) that a slow start on a loaded machine does not put it in the past, where
    // wait.until returns at once without waiting (and without its hooks).
    const until = new Date(Date.now() + 4_000);
    const handle = await sleeper.trigger({ until: until.toISOString() });
    await t.waitForRun(handle.id);
    const calls = hookCalls.filter((c) => c.runId === handle.id);
    expect(calls.map((c) => c.hook)).toEqual([
      "global onWait",
      "onWait",
      "onResume",
      "global onWait",
      "onWait",
      "onResume",
    ]);
    expect(calls[0]!.wait).toMatchObject({ type: "duration" });
    expect((calls[3]!.wait as { date: Date }).date.toISOString()).toBe(until.toISOString());
  });

  it("a date in the past returns at once, or throws with throwIfInThePast", async () => {
    const lenient = await pastDate.trigger({ strict: false });
    expect((await t.waitForRun(lenient.id)).output).toBe("passed");
    const strict = await pastDate.trigger({ strict: true });
    const state = await t.waitForRun(strict.id);
    expect(state.status).toBe("FAILED");
    expect(state.error?.message).toMatch(/wait\.until: .* is in the past/);
  });
});
