/** The code samples in docs/ run here, imported through the same @trigger.dev/sdk alias users get. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fulfilOrder } from "../../docs/examples/replay-safe-order.js";
import { startTestEngine, type TestEngine } from "./harness/index.js";

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine();
});
afterAll(async () => t?.stop());

describe("docs/examples", () => {
  it("replay-safe-order: suspends at the wait, charges once, counts steps once", async () => {
    const handle = await fulfilOrder.trigger({ orderId: "o-1" });
    const state = await t.waitForRun(handle.id);
    expect(state.status).toBe("COMPLETED");
    expect(state.output).toEqual({ orderId: "o-1", chargeId: "ch_o-1" });
    expect(state.metadata).toEqual({ steps: 2 });
    expect(state.attempts[0]!.executions).toBeGreaterThan(1);
    expect(state.journal.filter((e) => e.type === "triggerAndWait")).toHaveLength(1);
    expect(t.logs.filter((l) => l.runId === handle.id && l.message === "fulfilling order").length).toBe(state.attempts[0]!.executions);
  });
});
