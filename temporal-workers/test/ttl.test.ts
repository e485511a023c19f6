/** ttl: a run that has not started within its ttl ends EXPIRED; one that starts in time is unaffected. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { task } from "@stint/sdk";
import { startTestEngine, type TestEngine } from "./harness/index.js";

const quick = task({ id: "ttl-quick", run: async () => "ran" });

let noWorkers: TestEngine;
let withWorkers: TestEngine;
beforeAll(async () => {
  // No attempt workers: nothing will ever start this engine's runs.
  noWorkers = await startTestEngine({}, { attempts: false });
  withWorkers = await startTestEngine();
});
afterAll(async () => {
  await noWorkers?.stop();
  await withWorkers?.stop();
});

describe("ttl", () => {
  it("a queued run that nobody starts within its ttl is EXPIRED, with no attempt", async () => {
    const handle = await noWorkers.engine.trigger({ task: "ttl-quick", payload: null, options: { ttl: "2s" } });
    const state = await noWorkers.waitForRun(handle.id, undefined, 30_000);
    expect(state.status).toBe("EXPIRED");
    expect(state.attemptCount).toBe(0);
    expect(state.expiredAt).toBeDefined();
    expect(Date.parse(state.expiredAt!) - Date.parse(state.createdAt)).toBeGreaterThanOrEqual(1_900);
  });

  it("the ttl counts from the end of the delay", async () => {
    const handle = await noWorkers.engine.trigger({
      task: "ttl-quick",
      payload: null,
      options: { delay: "2s", ttl: "1s" },
    });
    const state = await noWorkers.waitForRun(handle.id, undefined, 30_000);
    expect(state.status).toBe("EXPIRED");
    expect(Date.parse(state.expiredAt!) - Date.parse(state.createdAt)).toBeGreaterThanOrEqual(2_900);
  });

  it("a run that starts within its ttl completes normally", async () => {
    const handle = await withWorkers.engine.trigger({ task: "ttl-quick", payload: null, options: { ttl: 30 } });
    const state = await withWorkers.waitForRun(handle.id);
    expect(state.status).toBe("COMPLETED");
    expect(state.output).toBe("ran");
  });
});
