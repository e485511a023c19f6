/** The code samples in docs/ run here, imported through the same @trigger.dev/sdk alias users get. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fulfilOrder } from "../../docs/examples/replay-safe-order.js";
import { summarize, syncTenant, triggerWithKeyAndPriority } from "../../docs/examples/queue-limits.js";
import { onDocumentEdited } from "../../docs/examples/debounce.js";
import { sendWelcome, welcome } from "../../docs/examples/welcome-email.js";
import keepAlive from "../../docs/examples/keep-alive.config.js";
import networkConfig from "../../docs/examples/network.config.js";
import { startTestEngine, type TestEngine } from "./harness/index.js";

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine({}, { declareQueues: true });
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
    expect(t.logs.filter((l) => l.runId === handle.id && l.message === "fulfilling order").length).toBe(
      state.attempts[0]!.executions,
    );
  });

  it("queue-limits: a shared queue caps its tasks together; each concurrency key gets the full limit", async () => {
    const summaries = await Promise.all(
      [1, 2, 3, 4, 5].map((n) => summarize.trigger({ text: `document number ${n}` })),
    );
    await expect
      .poll(async () => (await t.engine.describeQueue("model-provider")).running, { timeout: 10_000, interval: 50 })
      .toBe(2);
    const states = await Promise.all(summaries.map((h) => t.waitForRun(h.id)));
    expect(states.every((s) => s.status === "COMPLETED" && s.queue === "model-provider")).toBe(true);

    const triggered = await Promise.all(
      ["acme", "acme", "globex"].map((tenant) => triggerWithKeyAndPriority(tenant, `report for ${tenant}`)),
    );
    const tenants = triggered.map(({ sync }) => sync);
    await expect
      .poll(async () => (await t.engine.describeQueue("task/sync-tenant")).running, {
        timeout: 10_000,
        interval: 50,
      })
      .toBe(2);
    await Promise.all(tenants.map((h) => t.waitForRun(h.id)));
    const prioritised = await t.waitForRun(triggered[0]!.summary.id);
    expect(prioritised).toMatchObject({ status: "COMPLETED", output: { summary: "report for" } });
  });

  it("welcome-email (README): the welcome is sent once, then the run suspends for its three-day wait", async () => {
    const handle = await welcome.trigger({ userId: "u-1" });
    const waiting = await t.waitForRun(
      handle.id,
      (state) =>
        state.status === "WAITING" && state.journal.some((entry) => entry.type === "triggerAndWait" && entry.done),
    );
    const sent = waiting.journal.find((entry) => entry.type === "triggerAndWait")!;
    expect(JSON.stringify(sent.result)).toContain("u-1@example.com");
    // Waiting on the three days, with the welcome sent once.
    const pending = waiting.journal.filter((entry) => !entry.done);
    expect(pending).toHaveLength(1);
    expect(pending[0]!.type).not.toBe("triggerAndWait");
    expect(waiting.journal.filter((entry) => entry.type === "triggerAndWait")).toHaveLength(1);
    expect(sendWelcome.id).toBe("send-welcome");
    await t.engine.cancelRun(handle.id);
    expect((await t.waitForRun(handle.id)).status).toBe("CANCELED");
  });

  it("keep-alive.config (README): the one line that keeps the process alive through waits", () => {
    expect(keepAlive.checkpointThreshold).toBe("never");
  });

  it("network.config (docs/workers.md): a deployment that asks for the host's network", () => {
    // The supervisor reads it from the deployment's manifest: supervisor container-hardening runs such a container.
    expect(networkConfig.network).toBe("host");
  });

  it("debounce: a burst of edits makes one run, which indexes the last revision", async () => {
    const handles = [];
    for (let revision = 1; revision <= 4; revision++) handles.push(await onDocumentEdited("d-1", revision));
    expect(new Set(handles.map((h) => h.id)).size).toBe(1);
    const state = await t.waitForRun(handles[0]!.id);
    expect(state.output).toEqual({ indexed: "d-1", revision: 4 });
  });
});
