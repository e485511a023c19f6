/**
 * A run whose `ttl` passes while it waits for admission (its queue is full) ends EXPIRED without an attempt, its
 * wait is withdrawn from the dispatcher (no slot is taken or leaked), and the runs behind it still start. Real
 * Temporal dev server, the engine's dispatcher in this process.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { task } from "@stint/sdk";
import type { Dispatcher } from "../src/dispatcher/dispatcher.js";
import { startTestEngine, type TestEngine } from "./harness/index.js";

const ran: string[] = [];
task({
  id: "ttlw-single",
  queue: { concurrencyLimit: 1 },
  run: async (payload: { label: string; holdMs: number }) => {
    ran.push(payload.label);
    await new Promise((r) => setTimeout(r, payload.holdMs));
  },
});

let t: TestEngine;
let dispatcher: Dispatcher;
beforeAll(async () => {
  t = await startTestEngine();
  dispatcher = await t.workers.dispatcher!.leading;
  await t.engine.configureQueue("task/ttlw-single", { declaredLimit: 1 });
});
afterAll(async () => t?.stop());

describe("ttl while waiting for admission", () => {
  it("expires a run whose ttl passes while its queue is full; the slot goes to the next run", async () => {
    const holder = await t.engine.trigger({ task: "ttlw-single", payload: { label: "holder", holdMs: 5_000 } });
    await t.waitForRun(holder.id, (state) => state.status === "EXECUTING", 30_000);
    const doomed = await t.engine.trigger({
      task: "ttlw-single",
      payload: { label: "doomed", holdMs: 0 },
      options: { ttl: "2s" },
    });
    const patient = await t.engine.trigger({ task: "ttlw-single", payload: { label: "patient", holdMs: 0 } });
    await expect.poll(() => dispatcher.waitingCount, { timeout: 10_000 }).toBe(2);

    const expired = await t.waitForRun(doomed.id, undefined, 30_000);
    expect(expired.status).toBe("EXPIRED");
    expect(expired.attemptCount).toBe(0);
    // Expired while the holder still ran: it left the queue then, not when a slot came.
    expect((await t.engine.runState(holder.id)).status).toBe("EXECUTING");
    await expect.poll(() => dispatcher.waitingCount, { timeout: 10_000 }).toBe(1);

    expect((await t.waitForRun(patient.id)).status).toBe("COMPLETED");
    expect(ran).toEqual(["holder", "patient"]);
    await expect.poll(() => dispatcher.runningCount, { timeout: 10_000 }).toBe(0);
    expect(dispatcher.holdsLease(doomed.id)).toBe(false);
  });
});
