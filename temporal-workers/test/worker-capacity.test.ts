/**
 * The worker pool's capacity cap: a deployed environment's attempts run on its worker group's task queue, and the
 * dispatcher admits no more of that pool's runs than its connected supervisors can execute at once, so the queue
 * stays short and the next attempt a supervisor takes is the fair one. The scheduler on its own (executions
 * simulated), then the Dispatcher around it (its own memory store): a pool without capacity admits nothing until
 * capacity arrives, and then at once.
 */
import { describe, expect, it } from "vitest";
import { Dispatcher, DispatchSettings, FairScheduler, MemoryLeaseStore, type Demand } from "../src/dispatcher/index.js";

const POOL = "workers.default";

let runSeq = 0;
function demand(org: string, environmentId = `${org}-prod`): Demand {
  return {
    runId: `run_${runSeq++}`,
    organizationId: org,
    environmentId,
    queue: "task/work",
    concurrencyKey: "",
    requestedAt: 0,
  };
}

describe("worker pool capacity", () => {
  it("a pool of capacity 3 shared by two tenants never runs more than 3 at once, and each gets half", () => {
    const settings = new DispatchSettings();
    for (const org of ["a", "b"]) settings.setEnvironment(`${org}-prod`, { organizationId: org, pool: POOL });
    settings.setCapacity(POOL, 3);
    const scheduler = new FairScheduler(settings);
    for (let i = 0; i < 600; i++) {
      scheduler.request(demand("a"));
      scheduler.request(demand("b"));
    }
    // Executions of uneven length: each step the oldest running one ends, sometimes two.
    const running: Demand[] = [];
    const started: Demand[] = [];
    for (let step = 0; step < 400; step++) {
      const batch = scheduler.nextBatch(step, 1_000).map((a) => a.demand);
      expect(scheduler.findStarved(step)).toBeUndefined();
      running.push(...batch);
      started.push(...batch);
      expect(scheduler.runningIn(POOL)).toBe(running.length);
      expect(running.length).toBeLessThanOrEqual(3);
      for (let ends = step % 3 === 0 ? 2 : 1; ends > 0 && running.length > 0; ends--)
        scheduler.release(running.shift()!.runId);
    }
    expect(started.length).toBeGreaterThan(400);
    const shareOfA = started.filter((run) => run.organizationId === "a").length / started.length;
    expect(shareOfA).toBeGreaterThan(0.45);
    expect(shareOfA).toBeLessThan(0.55);
  });

  it("weights hold within a full pool (1:3 ± 10 %)", () => {
    const settings = new DispatchSettings();
    settings.setEnvironment("a-prod", { organizationId: "a", pool: POOL });
    settings.setEnvironment("b-prod", { organizationId: "b", pool: POOL });
    settings.setOrganization("a", { weight: 1 });
    settings.setOrganization("b", { weight: 3 });
    settings.setCapacity(POOL, 3);
    const scheduler = new FairScheduler(settings);
    for (let i = 0; i < 2_000; i++) {
      scheduler.request(demand("a"));
      scheduler.request(demand("b"));
    }
    const started: Demand[] = [];
    const running: Demand[] = [];
    for (let step = 0; step < 800; step++) {
      const batch = scheduler.nextBatch(step, 1_000).map((a) => a.demand);
      running.push(...batch);
      started.push(...batch);
      expect(running.length).toBeLessThanOrEqual(3);
      scheduler.release(running.shift()!.runId);
    }
    const ofB = started.filter((run) => run.organizationId === "b").length;
    const ratio = ofB / (started.length - ofB);
    expect(ratio).toBeGreaterThan(3 * 0.9);
    expect(ratio).toBeLessThan(3 * 1.1);
  });

  it("a pool at 0 admits nothing (development sessions, on no pool, still run) until capacity arrives", () => {
    const settings = new DispatchSettings();
    settings.setEnvironment("a-prod", { organizationId: "a", pool: POOL });
    settings.setEnvironment("a-dev", { organizationId: "a" });
    settings.setCapacity(POOL, 0);
    const scheduler = new FairScheduler(settings);
    for (let i = 0; i < 5; i++) scheduler.request(demand("a"));
    scheduler.request(demand("a", "a-dev"));
    expect(scheduler.nextBatch(0, 100).map((a) => a.demand.environmentId)).toEqual(["a-dev"]);
    expect(scheduler.findStarved(0)).toBeUndefined();
    expect(scheduler.runningIn(POOL)).toBe(0);

    expect(settings.setCapacity(POOL, 2)).toBe(true);
    expect(scheduler.nextBatch(1, 100)).toHaveLength(2);
    expect(scheduler.runningIn(POOL)).toBe(2);
    // The supervisor leaves: what runs keeps running, nothing more starts; the released slots are counted back.
    expect(settings.setCapacity(POOL, 0)).toBe(false);
    const leased = [...Array(runSeq).keys()].map((n) => `run_${n}`).filter((id) => scheduler.holdsLease(id));
    for (const runId of leased) scheduler.release(runId);
    expect(scheduler.nextBatch(2, 100)).toHaveLength(0);
    expect(scheduler.runningIn(POOL)).toBe(0);
    expect(scheduler.waitingCount).toBe(3);
  });

  it("the dispatcher admits a pool's waiting runs as soon as a supervisor's capacity arrives", async () => {
    const notified: string[] = [];
    const dispatcher = new Dispatcher({
      store: new MemoryLeaseStore(),
      notify: async (runId) => void notified.push(runId),
      closedRuns: async () => [],
      // No periodic look: only the capacity's arrival may admit them.
      tickMs: 3_600_000,
      describeEnvironment: async () => ({ organizationId: "org", pool: POOL, concurrencyLimit: 100 }),
    });
    dispatcher.setCapacity(POOL, 0);
    await dispatcher.start();
    try {
      const asks = Array.from({ length: 4 }, (_, i) =>
        dispatcher.request({
          runId: `run_cap_${i}`,
          environmentId: "env-prod",
          queue: "task/work",
          priorityMs: 0,
          requestedAt: Date.now(),
          ticket: 1,
        }),
      );
      expect(await Promise.all(asks)).toEqual([false, false, false, false]);
      expect(dispatcher.waitingCount).toBe(4);

      dispatcher.setCapacity(POOL, 3);
      await dispatcher.settled();
      await expect.poll(() => notified.length).toBe(3);
      expect(dispatcher.runningIn(POOL)).toBe(3);
      expect(dispatcher.waitingCount).toBe(1);

      await dispatcher.release(notified[0]!);
      await expect.poll(() => notified.length).toBe(4);
      expect(dispatcher.runningIn(POOL)).toBe(3);
    } finally {
      await dispatcher.stop();
    }
  });
});
