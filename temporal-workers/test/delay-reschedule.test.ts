/** delay: runs wait in DELAYED; runs.reschedule moves a delayed run; anything else cannot be rescheduled. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runs, task } from "@stint/sdk";
import { startTestEngine, type TestEngine } from "./harness/index.js";

const stamp = task({ id: "delay-stamp", run: async () => ({ ranAt: Date.now() }) });

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine();
});
afterAll(async () => t?.stop());

describe("delay and reschedule", () => {
  it("a delayed run is DELAYED until its time, then runs", async () => {
    const triggeredAt = Date.now();
    const handle = await stamp.trigger(undefined, { delay: "2s" });
    const delayed = await runs.retrieve(handle.id);
    expect(delayed.status).toBe("DELAYED");
    expect(delayed.delayedUntil!.getTime()).toBeGreaterThanOrEqual(triggeredAt + 1_900);
    const state = await t.waitForRun(handle.id);
    expect(state.status).toBe("COMPLETED");
    expect((state.output as { ranAt: number }).ranAt).toBeGreaterThanOrEqual(triggeredAt + 1_900);
  });

  it("a Date delay works too", async () => {
    const at = new Date(Date.now() + 1_500);
    const state = await t.waitForRun((await stamp.trigger(undefined, { delay: at })).id);
    expect((state.output as { ranAt: number }).ranAt).toBeGreaterThanOrEqual(at.getTime() - 50);
  });

  it("reschedule brings a delayed run forward, or pushes it back", async () => {
    const soon = await stamp.trigger(undefined, { delay: "1h" });
    const moved = await runs.reschedule(soon.id, { delay: "1s" });
    expect(moved.status).toBe("DELAYED");
    const state = await t.waitForRun(soon.id, undefined, 20_000);
    expect(state.status).toBe("COMPLETED");

    const later = await stamp.trigger(undefined, { delay: "2s" });
    await runs.reschedule(later.id, { delay: "1h" });
    await new Promise((r) => setTimeout(r, 3_000));
    expect((await runs.retrieve(later.id)).status).toBe("DELAYED");
    await runs.cancel(later.id);
  });

  it("rescheduling a run that is not DELAYED is refused", async () => {
    const handle = await stamp.trigger();
    await t.waitForRun(handle.id);
    await expect(runs.reschedule(handle.id, { delay: "1m" })).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(/only DELAYED runs can be rescheduled/),
    });
    await expect(runs.reschedule(handle.id, { delay: "soon" })).rejects.toThrow(/delay: "soon" is not a duration/);
  });
});
