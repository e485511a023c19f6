/**
 * A waiting run asks the dispatcher again now and then (a lost signal, a dispatcher that lost its memory). The
 * dispatcher's answer says when: 30 s while few runs wait, longer as more do, so that a backlog's asks stay near ten a
 * second instead of growing with it (5,000 runs asking every 30 s kept the engine busy enough that a newcomer's first
 * workflow task waited minutes: tenant-flood.test.ts). The dispatcher, its store (memory, as in `stint dev`) and the
 * engine's admission activity are real; no Temporal is needed, admissions are answered in memory.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Dispatcher, MemoryLeaseStore } from "../src/dispatcher/index.js";
import { registerLocalDispatcher } from "../src/dispatcher/local-dispatchers.js";
import { createDispatchActivities } from "../src/activities/dispatch-activities.js";
import { askAgainAfterMs } from "../src/shared/dispatch.js";
import { admissionRequest } from "./harness/admission-requests.js";

const workflowTaskQueue = "ask-again-engine";
const key = { environmentId: "env_ask_again", queue: "task/one-at-a-time" };

const request = () => admissionRequest(key);

let dispatcher: Dispatcher | undefined;
let unregister: (() => void) | undefined;
afterEach(async () => {
  unregister?.();
  await dispatcher?.stop();
});

describe("a waiting run asks again", () => {
  it("after an interval that grows with the number of runs waiting", async () => {
    dispatcher = new Dispatcher({
      store: new MemoryLeaseStore(),
      notify: async () => undefined,
      closedRuns: async () => [],
    });
    await dispatcher.start();
    await dispatcher.configure(key, { declaredLimit: 1 });
    unregister = registerLocalDispatcher(workflowTaskQueue, dispatcher);
    const admission = createDispatchActivities(workflowTaskQueue, false);

    const first = await admission.dispatchRequestAdmission(request());
    expect(first).toMatchObject({ granted: true });
    expect(first.askAgainMs, "an admitted run has nothing to ask again").toBeUndefined();

    const second = await admission.dispatchRequestAdmission(request());
    expect(second).toMatchObject({ granted: false, askAgainMs: 30_000 });

    const backlog = await Promise.all(Array.from({ length: 999 }, () => admission.dispatchRequestAdmission(request())));
    expect(dispatcher.waitingCount).toBe(1_000);
    expect(backlog.every((answer) => !answer.granted)).toBe(true);
    const intervals = backlog.map((answer) => answer.askAgainMs!);
    // 1,000 runs waiting, each asking again every 100 s or later: at most ten asks a second.
    expect(Math.max(...intervals)).toBe(100_000);
    expect(Math.min(...intervals)).toBeGreaterThanOrEqual(30_000);
    expect(1_000 / (Math.max(...intervals) / 1_000)).toBeLessThanOrEqual(10);
  });

  it("never sooner than 30 s", () => {
    expect(askAgainAfterMs(0)).toBe(30_000);
    expect(askAgainAfterMs(300)).toBe(30_000);
    expect(askAgainAfterMs(5_000)).toBe(500_000);
  });
});
