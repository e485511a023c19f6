/**
 * An organisation's concurrency limit caps its running runs across all its environments and queues, set through the
 * engine API (`configureOrganization`); raising it lets waiting runs start, removing it (null) lifts the cap. Two
 * environments of one organisation, each flooding its own queue. Real Temporal dev server, the engine's dispatcher
 * in this process.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { task } from "@stint/sdk";
import type { StintEngineClient } from "../src/client/engine-client.js";
import type { Dispatcher } from "../src/dispatcher/dispatcher.js";
import { startTestEngine, type TestEngine } from "./harness/index.js";

let live = 0;
let peak = 0;
/** How long a run holds its slot: long enough that every run allowed at once is running together, even under load. */
let holdMs = 1_500;
const tenantsSeen = new Set<string>();
task({
  id: "ol-work",
  run: async (payload: { tenant: string }) => {
    tenantsSeen.add(payload.tenant);
    peak = Math.max(peak, ++live);
    await new Promise((r) => setTimeout(r, holdMs));
    live--;
  },
});

let t: TestEngine;
let second: StintEngineClient;
let dispatcher: Dispatcher;
beforeAll(async () => {
  t = await startTestEngine();
  dispatcher = await t.workers.dispatcher!.leading;
  // Which organisation an environment belongs to comes from the webapp's tables; here it is told directly.
  dispatcher.setEnvironment(t.engine.options.environment.id, { organizationId: "org-limited" });
  second = await t.tenant("2", { organizationId: "org-limited" });
});
afterAll(async () => t?.stop());

const flood = (count: number) =>
  Promise.all(
    [t.engine, second].flatMap((engine, n) =>
      Array.from({ length: count }, () => engine.trigger({ task: "ol-work", payload: { tenant: `env-${n}` } })),
    ),
  );

describe("organisation concurrency limit", () => {
  it("caps the organisation's running runs across its environments", async () => {
    expect(await t.engine.configureOrganization("org-limited", { concurrencyLimit: 3 })).toEqual({
      concurrencyLimit: 3,
    });
    const handles = await flood(5);
    await expect.poll(() => dispatcher.waitingCount, { timeout: 20_000 }).toBeGreaterThan(0);
    expect(dispatcher.findStarved()).toBeUndefined();
    await Promise.all(handles.map((h) => t.waitForRun(h.id)));
    expect(peak).toBe(3);
    expect(tenantsSeen).toEqual(new Set(["env-0", "env-1"]));
  });

  it("raising the limit lets more run at once; removing it lifts the cap", async () => {
    // All ten runs of a flood must be running at once to show the cap is gone: at 600 ms each (as they once were), a
    // loaded machine finished the first before the last had started (peak 8 of 10).
    holdMs = 4_000;
    peak = 0;
    await t.engine.configureOrganization("org-limited", { concurrencyLimit: 6 });
    await Promise.all((await flood(5)).map((h) => t.waitForRun(h.id)));
    expect(peak).toBe(6);

    peak = 0;
    await t.engine.configureOrganization("org-limited", { concurrencyLimit: null });
    await Promise.all((await flood(5)).map((h) => t.waitForRun(h.id)));
    expect(peak).toBe(10);
  });

  it("bad settings are refused with the field named", async () => {
    await expect(t.engine.configureOrganization("org-limited", { concurrencyLimit: -1 })).rejects.toThrow(
      /concurrencyLimit: concurrency limits are 0 or more/,
    );
    await expect(t.engine.configureOrganization("org-limited", { weight: 0 })).rejects.toThrow(/weight/);
  });
});
