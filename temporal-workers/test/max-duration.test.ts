/**
 * maxDuration: a run that computes longer than allowed ends TIMED_OUT and is not retried. As in Trigger.dev it counts
 * compute time only: time waiting in wait.for / triggerAndWait, in the process or suspended, does not count.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { task, timeout, wait } from "@stint/sdk";
import { startTestEngine, type TestEngine } from "./harness/index.js";

const attempts: Record<string, number> = {};
const slow = task({
  id: "max-duration-slow",
  maxDuration: 5,
  retry: { maxAttempts: 3, minTimeoutInMs: 10 },
  run: async (payload: { ms: number }, { ctx }) => {
    attempts[ctx.run.id] = (attempts[ctx.run.id] ?? 0) + 1;
    await new Promise((r) => setTimeout(r, payload.ms));
    return "finished";
  },
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const child = task({
  id: "max-duration-child",
  maxDuration: 30,
  run: async (payload: { ms: number }) => {
    await sleep(payload.ms);
    return payload.ms;
  },
});

/** 1.5 s of work, a 4 s wait and a 4 s child in the process, 1.5 s of work: 11 s in all, 3 s of compute. */
const waitsInProcess = task({
  id: "max-duration-waits-in-process",
  maxDuration: 5,
  checkpointThreshold: "never",
  run: async () => {
    await sleep(1_500);
    await wait.for({ seconds: 4 });
    await child.triggerAndWait({ ms: 4_000 }).unwrap();
    await sleep(1_500);
    return "done";
  },
});

/** 1.5 s of work, then a 6 s child: waited 3 s in the process, then suspended; the replay redoes the 1.5 s. */
const waitsThenSuspends = task({
  id: "max-duration-waits-then-suspends",
  maxDuration: 5,
  checkpointThreshold: "3s",
  run: async () => {
    await sleep(1_500);
    await child.triggerAndWait({ ms: 6_000 }).unwrap();
    return "done";
  },
});

/** Compute on both sides of a wait adds up: 3 s + 3 s of work around a 1 s wait passes a 5 s limit. */
const computeAddsUp = task({
  id: "max-duration-compute-adds-up",
  maxDuration: 5,
  checkpointThreshold: "never",
  run: async () => {
    await sleep(3_000);
    await wait.for({ seconds: 1 });
    await sleep(3_000);
    return "done";
  },
});

/** `maxDuration: timeout.None` (2147483647 s, past what a Node timer holds) is no limit, as in Trigger.dev. */
const unlimited = task({
  id: "max-duration-none",
  maxDuration: timeout.None,
  run: async (_payload: unknown, { ctx }) => {
    await sleep(1_500);
    return ctx.run.maxDuration;
  },
});

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine();
});
afterAll(async () => t?.stop());

describe("maxDuration", () => {
  it("a run over its task's maxDuration is TIMED_OUT after one attempt", async () => {
    const handle = await slow.trigger({ ms: 8_000 });
    const state = await t.waitForRun(handle.id);
    expect(state.status).toBe("TIMED_OUT");
    expect(state.error?.message).toMatch(/exceeded maximum compute time \(maxDuration\) of 5 seconds/);
    expect(attempts[handle.id]).toBe(1);
    expect(Date.parse(state.finishedAt!) - Date.parse(state.startedAt!)).toBeGreaterThanOrEqual(4_900);
  });

  it("timeout.None is Trigger.dev's 2147483647 and means no limit (a task's option or a trigger's)", async () => {
    expect(timeout.None).toBe(2_147_483_647);
    // The compute clock must not arm a timer Node cannot hold (it would fire every millisecond instead).
    const overflows: Error[] = [];
    const onWarning = (warning: Error) => warning.name === "TimeoutOverflowWarning" && overflows.push(warning);
    process.on("warning", onWarning);
    const [declared, triggered] = await Promise.all([
      unlimited.trigger({}),
      slow.trigger({ ms: 1_500 }, { maxDuration: timeout.None }),
    ]);
    const [a, b] = await Promise.all([t.waitForRun(declared.id), t.waitForRun(triggered.id)]).finally(() =>
      process.off("warning", onWarning),
    );
    expect(overflows).toEqual([]);
    expect(a.status, JSON.stringify(a.error)).toBe("COMPLETED");
    expect(a.output).toBe(2_147_483_647);
    expect(b.status, JSON.stringify(b.error)).toBe("COMPLETED");
  });

  it("the maxDuration trigger option overrides the task's", async () => {
    const ok = await slow.trigger({ ms: 6_000 }, { maxDuration: 10 });
    expect((await t.waitForRun(ok.id)).status).toBe("COMPLETED");
  });

  it("time spent waiting, in the process or before a suspension, does not count", async () => {
    const [inProcess, suspends, addsUp] = await Promise.all([
      waitsInProcess.trigger(),
      waitsThenSuspends.trigger(),
      computeAddsUp.trigger(),
    ]);
    const [a, b, c] = await Promise.all([
      t.waitForRun(inProcess.id),
      t.waitForRun(suspends.id),
      t.waitForRun(addsUp.id),
    ]);
    expect(a.status, JSON.stringify(a.error)).toBe("COMPLETED");
    expect(Date.parse(a.finishedAt!) - Date.parse(a.startedAt!)).toBeGreaterThan(10_000);
    expect(a.computeMs).toBeGreaterThanOrEqual(3_000);
    expect(a.computeMs).toBeLessThan(5_000);
    expect(b.status, JSON.stringify(b.error)).toBe("COMPLETED");
    expect(b.attempts[0]!.executions).toBe(2);
    expect(b.computeMs).toBeLessThan(5_000);
    expect(c.status).toBe("TIMED_OUT");
    expect(c.error?.name).toBe("MaxDurationExceededError");
  });
});
