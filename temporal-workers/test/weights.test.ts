/**
 * Weights: two tenants (environments of one organisation, whose limit makes them compete) saturating the shared
 * capacity get admissions in proportion to their weights, 1:3 ± 10 %, under Deficit Round Robin. Weights are set
 * through the engine API (`configureEnvironment`). Real Temporal dev server, the engine's dispatcher in this process.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StintEngineClient } from "../src/client/engine-client.js";
import type { Dispatcher } from "../src/dispatcher/dispatcher.js";
import { startTestEngine, type TestEngine } from "./harness/index.js";
import { tenantWorkTask } from "./harness/tenant-work.js";

const starts = tenantWorkTask("wt-work", 150);

let t: TestEngine;
let heavy: StintEngineClient;
let dispatcher: Dispatcher;
beforeAll(async () => {
  t = await startTestEngine();
  dispatcher = await t.workers.dispatcher!.leading;
  dispatcher.setEnvironment(t.engine.options.environment.id, { organizationId: "org-weights" });
  heavy = await t.tenant("heavy", { organizationId: "org-weights" });
  expect(await t.engine.configureEnvironment({ weight: 1 })).toEqual({ weight: 1 });
  await heavy.configureEnvironment({ weight: 3 });
});
afterAll(async () => t?.stop());

describe("weights", () => {
  it("two saturating tenants with weights 1:3 get 1:3 (± 10 %) of the admissions", async () => {
    // Nothing starts until both floods wait, so neither gets a head start from asking first.
    await t.engine.configureOrganization("org-weights", { concurrencyLimit: 0 });
    const handles = await Promise.all(
      [t.engine, heavy].flatMap((engine, n) =>
        Array.from({ length: 60 }, () =>
          engine.trigger({ task: "wt-work", payload: { tenant: n === 0 ? "light" : "heavy" } }),
        ),
      ),
    );
    await expect.poll(() => dispatcher.waitingCount, { timeout: 30_000 }).toBe(120);
    await t.engine.configureOrganization("org-weights", { concurrencyLimit: 4 });
    await expect.poll(() => starts.length, { timeout: 60_000 }).toBeGreaterThanOrEqual(60);
    // While both still had runs waiting (the heavy one runs out first, after 60 / 0.75 = 80 starts).
    const saturated = starts.slice(0, 60);
    const light = saturated.filter((tenant) => tenant === "light").length;
    const ratio = (saturated.length - light) / light;
    expect(ratio).toBeGreaterThanOrEqual(2.7);
    expect(ratio).toBeLessThanOrEqual(3.3);
    expect(dispatcher.findStarved()).toBeUndefined();
    await Promise.all(handles.map((h) => t.waitForRun(h.id, undefined, 120_000)));
  });
});
