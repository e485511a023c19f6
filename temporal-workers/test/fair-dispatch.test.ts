/**
 * The fair dispatcher's scheduling core (FairScheduler), on its own: Deficit Round Robin across organisations,
 * environments, queues and concurrency keys; every cap at admission; priority; rate limits; pause. Executions are
 * simulated (each admitted run finishes after a fixed time), so each scenario runs thousands of admissions in
 * milliseconds. Its wiring to Temporal and PostgreSQL is tested separately.
 */
import { describe, expect, it } from "vitest";
import {
  FairScheduler,
  type Demand,
  type EnvironmentSettings,
  type LevelSettings,
  type QueueSettings,
} from "../src/dispatcher/index.js";

class Settings {
  orgs = new Map<string, LevelSettings>();
  envs = new Map<string, EnvironmentSettings>();
  queues = new Map<string, QueueSettings>();
  cap: number | undefined = 10;
  organization = (id: string) => this.orgs.get(id) ?? {};
  /** Every environment runs on one pool of workers, of capacity `cap`. */
  environment = (id: string): EnvironmentSettings => ({ pool: "workers", ...this.envs.get(id) });
  queue = (env: string, queue: string) => this.queues.get(`${env}/${queue}`) ?? {};
  capacity = (_pool: string) => this.cap;
}

let runSeq = 0;
function demand(org: string, options: Partial<Demand> = {}): Demand {
  return {
    runId: `run_${runSeq++}`,
    organizationId: org,
    environmentId: `${org}-prod`,
    queue: "task/work",
    concurrencyKey: "",
    requestedAt: 0,
    ...options,
  };
}

/** Runs the scheduler like a worker fleet: every `durationMs` each admitted run finishes and frees its slot. */
function simulate(scheduler: FairScheduler, rounds: number, durationMs = 100, startAt = 0) {
  const started: Demand[] = [];
  let now = startAt;
  for (let round = 0; round < rounds; round++, now += durationMs) {
    const batch = scheduler.nextBatch(now, 1_000).map((a) => a.demand);
    expect(scheduler.findStarved(now)).toBeUndefined();
    started.push(...batch);
    for (const run of batch) scheduler.release(run.runId);
  }
  return started;
}

const share = (runs: Demand[], org: string) => runs.filter((r) => r.organizationId === org).length / runs.length;

describe("fair dispatch", () => {
  it("a tenant with a handful of runs behind another's flood of 5,000 starts in the first round after it asks", () => {
    const settings = new Settings();
    const scheduler = new FairScheduler(settings);
    for (let i = 0; i < 5_000; i++) scheduler.request(demand("flood"));
    simulate(scheduler, 3);
    const small = Array.from({ length: 10 }, () => demand("small", { requestedAt: 300 }));
    for (const d of small) scheduler.request(d);
    const firstRound = scheduler.nextBatch(300, 1_000).map((a) => a.demand.organizationId);
    // Capacity 10 shared by two tenants: half of the very next round is the newcomer's.
    expect(firstRound.filter((org) => org === "small")).toHaveLength(5);
  });

  it("two saturating tenants with weights 1:3 get 1:3 of the starts (± 10 %)", () => {
    const settings = new Settings();
    settings.orgs.set("a", { weight: 1 });
    settings.orgs.set("b", { weight: 3 });
    const scheduler = new FairScheduler(settings);
    for (let i = 0; i < 4_000; i++) {
      scheduler.request(demand("a"));
      scheduler.request(demand("b"));
    }
    const started = simulate(scheduler, 200);
    const ratio = share(started, "b") / share(started, "a");
    expect(ratio).toBeGreaterThan(3 * 0.9);
    expect(ratio).toBeLessThan(3 * 1.1);
  });

  it("spreading a flood over 100 concurrency keys and 10 queues gets a tenant no more than its share", () => {
    const settings = new Settings();
    const scheduler = new FairScheduler(settings);
    for (let i = 0; i < 5_000; i++)
      scheduler.request(demand("spread", { queue: `task/q${i % 10}`, concurrencyKey: `user-${i % 100}` }));
    for (let i = 0; i < 5_000; i++) scheduler.request(demand("plain"));
    const started = simulate(scheduler, 100);
    expect(share(started, "plain")).toBeCloseTo(0.5, 2);
  });

  it("keys of one queue share it round-robin: a key with 1,000 runs does not delay a key with one", () => {
    const settings = new Settings();
    settings.cap = 1;
    const scheduler = new FairScheduler(settings);
    for (let i = 0; i < 1_000; i++) scheduler.request(demand("org", { concurrencyKey: "big" }));
    const lone = demand("org", { concurrencyKey: "lone", requestedAt: 1 });
    scheduler.request(lone);
    const order = simulate(scheduler, 2).map((d) => d.runId);
    expect(order).toContain(lone.runId);
  });

  it("never exceeds a queue's limit, a key's limit, the environment's limit × burst factor, the organisation's limit or the capacity", () => {
    const settings = new Settings();
    settings.cap = 40;
    settings.orgs.set("o", { concurrencyLimit: 12 });
    settings.envs.set("o-prod", { concurrencyLimit: 5, burstFactor: 2 });
    settings.envs.set("o-stg", { concurrencyLimit: 4 });
    settings.queues.set("o-prod/task/one", { concurrencyLimit: 1 });
    settings.queues.set("o-prod/task/keyed", { concurrencyLimit: 3, concurrencyLimitPerKey: 2 });
    const scheduler = new FairScheduler(settings);
    const queues = ["task/one", "task/keyed", "task/free"];
    const running: Demand[] = [];
    let random = 42;
    const rand = () => (random = (random * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let step = 0; step < 3_000; step++) {
      const env = rand() < 0.5 ? "o-prod" : "o-stg";
      scheduler.request(
        demand("o", {
          environmentId: env,
          queue: queues[Math.floor(rand() * 3)]!,
          concurrencyKey: `k${Math.floor(rand() * 3)}`,
        }),
      );
      if (rand() < 0.3) scheduler.request(demand("other"));
      for (const { demand: d } of scheduler.nextBatch(step, 5)) running.push(d);
      const count = (f: (d: Demand) => boolean) => running.filter(f).length;
      expect(count((d) => d.organizationId === "o")).toBeLessThanOrEqual(12);
      expect(count((d) => d.environmentId === "o-prod")).toBeLessThanOrEqual(10);
      expect(count((d) => d.environmentId === "o-stg")).toBeLessThanOrEqual(4);
      expect(
        count((d) => d.environmentId === "o-prod" && d.queue === "task/one" && d.concurrencyKey === "k0"),
      ).toBeLessThanOrEqual(1);
      expect(count((d) => d.environmentId === "o-prod" && d.queue === "task/keyed")).toBeLessThanOrEqual(3);
      for (const key of ["k0", "k1", "k2"])
        expect(
          count((d) => d.environmentId === "o-prod" && d.queue === "task/keyed" && d.concurrencyKey === key),
        ).toBeLessThanOrEqual(2);
      // Without a per-key limit, each key gets its own copy of the queue's limit (Trigger.dev), and the queue's
      // limit never goes above its environment's.
      expect(count((d) => d.environmentId === "o-prod" && d.queue === "task/free")).toBeLessThanOrEqual(5);
      expect(running.length).toBeLessThanOrEqual(40);
      expect(scheduler.runningCount).toBe(running.length);
      expect(scheduler.findStarved(step)).toBeUndefined();
      // Random completions free slots.
      for (let i = running.length - 1; i >= 0; i--) if (rand() < 0.2) scheduler.release(running.splice(i, 1)[0]!.runId);
    }
    // Slots are not leaked: once everything finished, all that waits can start again.
    for (const d of running.splice(0)) scheduler.release(d.runId);
    expect(scheduler.runningCount).toBe(0);
  });

  it("burst: an environment runs up to its limit × burst factor, each of its queues up to its limit", () => {
    const settings = new Settings();
    settings.cap = 100;
    settings.envs.set("o-prod", { concurrencyLimit: 5, burstFactor: 2 });
    const scheduler = new FairScheduler(settings);
    for (let i = 0; i < 20; i++) scheduler.request(demand("o", { queue: "task/a" }));
    expect(scheduler.nextBatch(0, 100)).toHaveLength(5);
    for (let i = 0; i < 20; i++) scheduler.request(demand("o", { queue: "task/b" }));
    expect(scheduler.nextBatch(0, 100)).toHaveLength(5);
    for (let i = 0; i < 20; i++) scheduler.request(demand("o", { queue: "task/c" }));
    expect(scheduler.nextBatch(0, 100)).toHaveLength(0);
    expect(scheduler.running({ organizationId: "o", environmentId: "o-prod" })).toBe(10);
  });

  it("starts runs by priority, then in the order they asked", () => {
    const settings = new Settings();
    settings.cap = 1;
    const scheduler = new FairScheduler(settings);
    const early = demand("o", { requestedAt: 1_000 });
    const late = demand("o", { requestedAt: 2_000 });
    const urgent = demand("o", { requestedAt: 50_000, prioritySeconds: 60 });
    for (const d of [late, early, urgent]) scheduler.request(d);
    expect(simulate(scheduler, 3, 100, 60_000).map((d) => d.runId)).toEqual([urgent.runId, early.runId, late.runId]);
  });

  it("rate limits a queue and each key of another (GCRA), without holding back other queues", () => {
    const settings = new Settings();
    settings.cap = 100;
    settings.queues.set("o-prod/task/limited", { rateLimit: { limit: 10, periodMs: 1_000, burst: 2 } });
    settings.queues.set("o-prod/task/per-key", { rateLimitPerKey: { limit: 1, periodMs: 1_000 } });
    const scheduler = new FairScheduler(settings);
    for (let i = 0; i < 100; i++) scheduler.request(demand("o", { queue: "task/limited" }));
    for (let i = 0; i < 30; i++) scheduler.request(demand("o", { queue: "task/per-key", concurrencyKey: `k${i % 3}` }));
    for (let i = 0; i < 50; i++) scheduler.request(demand("o", { queue: "task/free" }));
    const started = simulate(scheduler, 50, 20); // one second in 20 ms rounds
    const of = (queue: string) => started.filter((d) => d.queue === queue).length;
    expect(of("task/limited")).toBeGreaterThanOrEqual(10);
    expect(of("task/limited")).toBeLessThanOrEqual(12); // 10 a second plus the burst of 2
    expect(of("task/per-key")).toBe(3); // one per key in the first second
    expect(of("task/free")).toBe(50);
  });

  it("a paused queue starts nothing until resumed; withdrawn runs never start", () => {
    const settings = new Settings();
    settings.queues.set("o-prod/task/work", { paused: true });
    const scheduler = new FairScheduler(settings);
    const runs = Array.from({ length: 5 }, () => demand("o"));
    for (const d of runs) scheduler.request(d);
    expect(scheduler.nextBatch(0, 10)).toEqual([]);
    expect(scheduler.findStarved(0)).toBeUndefined();
    scheduler.withdraw(runs[0]!.runId);
    settings.queues.set("o-prod/task/work", {});
    const started = scheduler.nextBatch(1, 10).map((a) => a.demand.runId);
    expect(started).toEqual(runs.slice(1).map((d) => d.runId));
    expect(scheduler.waitingCount).toBe(0);
  });

  it("asking twice is one request; releasing twice is once", () => {
    const settings = new Settings();
    const scheduler = new FairScheduler(settings);
    const d = demand("o");
    scheduler.request(d);
    scheduler.request(d);
    expect(scheduler.waitingCount).toBe(1);
    expect(scheduler.nextBatch(0, 10)).toHaveLength(1);
    scheduler.request(d); // still holds its lease: not queued again
    expect(scheduler.waitingCount).toBe(0);
    expect(scheduler.release(d.runId)).toBe(true);
    expect(scheduler.release(d.runId)).toBe(false);
    expect(scheduler.runningCount).toBe(0);
  });
});
