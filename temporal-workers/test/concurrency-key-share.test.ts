/**
 * Concurrency keys under the engine's dispatcher: each key of a queue gets its own copy of the queue's limit
 * (Trigger.dev's semantics), yet a tenant that spreads a flood over many keys gets no more than its share of what
 * the tenants share — the dispatcher runs Deficit Round Robin over environments before queues and keys. Two
 * environments of one organisation limited to 2 runs at once; tenant A floods 12 keys, tenant B asks later.
 * Real Temporal dev server, the engine's dispatcher in this process.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { task } from "@stint/sdk";
import { StintEngineClient } from "../src/client/engine-client.js";
import type { Dispatcher } from "../src/dispatcher/dispatcher.js";
import { startTestEngine, type TestEngine } from "./harness/index.js";

const starts: string[] = [];
const livePerKey = new Map<string, number>();
let peakPerKey = 0;
let liveInOrganization = 0;
let peakInOrganization = 0;

task({
  id: "cks-work",
  queue: { concurrencyLimit: 1 },
  run: async (payload: { tenant: string; key: string }) => {
    const key = `${payload.tenant}/${payload.key}`;
    starts.push(payload.tenant);
    livePerKey.set(key, (livePerKey.get(key) ?? 0) + 1);
    peakPerKey = Math.max(peakPerKey, livePerKey.get(key)!);
    peakInOrganization = Math.max(peakInOrganization, ++liveInOrganization);
    await new Promise((r) => setTimeout(r, 400));
    liveInOrganization--;
    livePerKey.set(key, livePerKey.get(key)! - 1);
  },
});

let t: TestEngine;
let tenantB: StintEngineClient;
let dispatcher: Dispatcher;
beforeAll(async () => {
  t = await startTestEngine();
  dispatcher = await t.workers.dispatcher!.leading;
  const a = t.engine.options.environment;
  tenantB = new StintEngineClient({
    ...t.engine.options,
    environment: { ...a, id: `${a.id}-b`, slug: `${a.slug}-b` },
  });
  for (const engine of [t.engine, tenantB]) {
    await engine.configureQueue("task/cks-work", { declaredLimit: 1 });
    dispatcher.setEnvironment(engine.options.environment.id, { organizationId: "org-shared" });
  }
  dispatcher.setOrganization("org-shared", { concurrencyLimit: 2 });
});
afterAll(async () => t?.stop());

describe("concurrency keys and fair share", () => {
  it("a tenant spreading its flood over many keys gets no more than its share; each key keeps its own limit", async () => {
    const flood = await Promise.all(
      Array.from({ length: 24 }, (_, n) =>
        t.engine.trigger({
          task: "cks-work",
          payload: { tenant: "A", key: `k${n % 12}` },
          options: { concurrencyKey: `k${n % 12}` },
        }),
      ),
    );
    await expect.poll(() => dispatcher.waitingCount, { timeout: 20_000 }).toBeGreaterThan(10);
    const few = await Promise.all(
      Array.from({ length: 4 }, (_, n) =>
        tenantB.trigger({
          task: "cks-work",
          payload: { tenant: "B", key: `b${n}` },
          options: { concurrencyKey: `b${n}` },
        }),
      ),
    );
    await Promise.all([...flood, ...few].map((h) => t.waitForRun(h.id, undefined, 120_000)));

    // B asked after A's whole flood, yet from its first start on it got every other slot (its 1:1 share),
    // instead of waiting behind A's 24 runs as it would first-come-first-served.
    const firstB = starts.indexOf("B");
    const lastB = starts.lastIndexOf("B");
    expect(firstB).toBeGreaterThanOrEqual(0);
    const window = starts.slice(firstB, lastB + 1);
    expect(window.filter((tenant) => tenant === "B")).toHaveLength(4);
    expect(window.length).toBeLessThanOrEqual(8);
    expect(lastB).toBeLessThan(starts.length - 10);
    // The caps held: never two runs of one key, never more than the organisation's 2.
    expect(peakPerKey).toBe(1);
    expect(peakInOrganization).toBe(2);
    expect(dispatcher.findStarved()).toBeUndefined();
  });
});
