/**
 * A tenant's flood does not delay another tenant's handful, on the real stack: tenant A queues 5,000 runs while the
 * worker pool has no capacity, the pool opens (10 at once), tenant B queues 10 — B's first run starts in the second
 * dispatch round (the first was all A's, admitted before B asked) and B's runs finish long before A's backlog. The
 * scheduling core's own scenarios (weights, keys) are in fair-dispatch.test.ts; this one covers the path around it:
 * triggers, run workflows on the engine's task queue, admission, attempts. Real Temporal dev server, the engine's
 * dispatcher in this process, two environments in two organisations sharing one worker pool.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StintEngineClient } from "../src/client/engine-client.js";
import type { Dispatcher } from "../src/dispatcher/dispatcher.js";
import { startTestEngine, type TestEngine } from "./harness/index.js";
import { tenantWorkTask } from "./harness/tenant-work.js";

const FLOOD = 5_000;
const NEWCOMER_RUNS = 10;
const CAPACITY = 10;
const POOL = "flood-pool";
/** Tenants in the order their runs started. */
const starts = tenantWorkTask("tf-work", 50);

let t: TestEngine;
let newcomer: StintEngineClient;
let dispatcher: Dispatcher;
beforeAll(async () => {
  t = await startTestEngine({}, { environmentType: "PRODUCTION" });
  dispatcher = await t.workers.dispatcher!.leading;
  dispatcher.setEnvironment(t.engine.options.environment.id, { organizationId: "org-flood", pool: POOL });
  newcomer = await t.tenant("b", { organizationId: "org-newcomer", pool: POOL });
});
// A's backlog is left where it is: its task queue is this file's own, and nobody polls it once the workers stop.
afterAll(async () => t?.stop());

describe("a tenant's flood", () => {
  it("does not delay another tenant's first run past the second dispatch round", async () => {
    dispatcher.setCapacity(POOL, 0);
    for (let i = 0; i < FLOOD; i += 100)
      await Promise.all(
        Array.from({ length: Math.min(100, FLOOD - i) }, () =>
          t.engine.trigger({ task: "tf-work", payload: { tenant: "flood" } }),
        ),
      );
    await expect.poll(() => dispatcher.waitingCount, { timeout: 600_000, interval: 500 }).toBeGreaterThanOrEqual(FLOOD);

    dispatcher.setCapacity(POOL, CAPACITY);
    const handles = await Promise.all(
      Array.from({ length: NEWCOMER_RUNS }, () =>
        newcomer.trigger({ task: "tf-work", payload: { tenant: "newcomer" } }),
      ),
    );
    await Promise.all(handles.map((h) => t.waitForRun(h.id, undefined, 120_000)));
    const floodBeforeFirst = starts.indexOf("newcomer");
    const floodBeforeLast = starts.lastIndexOf("newcomer") - (NEWCOMER_RUNS - 1);
    expect(floodBeforeFirst, `A's starts before B's first: ${floodBeforeFirst}`).toBeLessThanOrEqual(2 * CAPACITY);
    expect(floodBeforeLast, `A's starts before B's last: ${floodBeforeLast}`).toBeLessThanOrEqual(3 * CAPACITY);
    expect(dispatcher.findStarved()).toBeUndefined();
  }, 900_000);
});
