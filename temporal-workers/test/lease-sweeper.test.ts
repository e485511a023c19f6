/**
 * The dispatcher's leases cannot leak: a lease older than its time to live is renewed while its run is open and freed
 * once the run's workflow closed without giving it back (terminated, so no release ever comes). A queue of limit 1:
 * a long execution keeps its slot past the lease's time to live; a terminated holder's slot goes to the next run.
 * A lease granted as a run starts (admitAtStart) goes back at once when its workflow does not start.
 * Real Temporal dev server, the engine's dispatcher with a 1 s lease time to live and a sweep every 300 ms.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { task } from "@stint/sdk";
import type { Dispatcher } from "../src/dispatcher/dispatcher.js";
import { startTestEngine, type TestEngine } from "./harness/index.js";

const intervals: { runId: string; start: number; end?: number }[] = [];
task({
  id: "ls-single",
  queue: { concurrencyLimit: 1 },
  run: async (payload: { ms: number }, { ctx }) => {
    const interval: { runId: string; start: number; end?: number } = { runId: ctx.run.id, start: Date.now() };
    intervals.push(interval);
    await new Promise((r) => setTimeout(r, payload.ms));
    interval.end = Date.now();
  },
});

let t: TestEngine;
let dispatcher: Dispatcher;
beforeAll(async () => {
  t = await startTestEngine({}, { dispatcher: { tuning: { leaseTtlMs: 1_000, sweepIntervalMs: 300 } } });
  dispatcher = await t.workers.dispatcher!.leading;
  await t.engine.configureQueue("task/ls-single", { declaredLimit: 1 });
});
afterAll(async () => t?.stop());

describe("lease sweeper", () => {
  it("renews the lease of a run still executing past the lease's time to live: nothing starts beside it", async () => {
    const long = await t.engine.trigger({ task: "ls-single", payload: { ms: 4_000 } });
    await expect.poll(() => dispatcher.holdsLease(long.id), { timeout: 20_000 }).toBe(true);
    const next = await t.engine.trigger({ task: "ls-single", payload: { ms: 10 } });
    await Promise.all([t.waitForRun(long.id), t.waitForRun(next.id)]);
    const [first, second] = [long.id, next.id].map((id) => intervals.find((i) => i.runId === id)!);
    expect(second!.start).toBeGreaterThanOrEqual(first!.end!);
  });

  it("frees the lease of a run whose workflow closed without releasing it, and the next run starts", async () => {
    const holder = await t.engine.trigger({ task: "ls-single", payload: { ms: 120_000 } });
    await expect.poll(() => intervals.some((i) => i.runId === holder.id), { timeout: 20_000 }).toBe(true);
    const waiter = await t.engine.trigger({ task: "ls-single", payload: { ms: 10 } });
    await expect.poll(() => dispatcher.waitingCount, { timeout: 20_000 }).toBe(1);
    // Terminated: the run's workflow ends at once and never sends its release.
    await t.client.workflow.getHandle(holder.id).terminate("test: a holder that never releases");
    expect((await t.waitForRun(waiter.id, undefined, 30_000)).status).toBe("COMPLETED");
    expect(dispatcher.holdsLease(holder.id)).toBe(false);
    await expect.poll(() => dispatcher.runningCount, { timeout: 10_000 }).toBe(0);
  });

  it("gives back at once a lease granted at start when the run's workflow does not start", async () => {
    // A delayed run's workflow is open without asking the dispatcher for anything; starting its id again (as the
    // API's outbox does after a crash) is admitted at start, then Temporal refuses the start.
    const delayed = await t.engine.trigger({ task: "ls-single", payload: { ms: 10 }, options: { delay: "1h" } });
    expect(dispatcher.knowsRun(delayed.id)).toBe(false);
    const again = await t.engine.trigger({ task: "ls-single", payload: { ms: 10 } }, { runId: delayed.id });
    expect(again.id).toBe(delayed.id);
    // Before the sweeper could (the lease is younger than its time to live): released by the failed start itself.
    expect(dispatcher.holdsLease(delayed.id)).toBe(false);
    expect(dispatcher.runningCount).toBe(0);
    await t.engine.cancelRun(delayed.id);
  });
});
