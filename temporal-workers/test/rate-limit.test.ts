/**
 * Rate limits (GCRA, which Trigger.dev does not have): a queue's `rateLimit` spaces the starts of its runs evenly
 * over its period, `rateLimitPerKey` does so for each concurrency key separately, `burst` lets that many start back
 * to back, and removing the limit lets the rest start at once. Set through the engine API; bad input is a 400
 * naming the field. Real Temporal dev server, the engine's dispatcher in this process.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { task } from "@stint/sdk";
import type { Dispatcher } from "../src/dispatcher/dispatcher.js";
import { startTestEngine, type TestEngine } from "./harness/index.js";

const starts = new Map<string, number[]>();
const started = (label: string) => starts.set(label, [...(starts.get(label) ?? []), Date.now()]);

task({ id: "rl-queue", run: async (payload: { label: string }) => started(payload.label) });
task({ id: "rl-keys", run: async (payload: { label: string }) => started(payload.label) });

let t: TestEngine;
let dispatcher: Dispatcher;
beforeAll(async () => {
  t = await startTestEngine();
  dispatcher = await t.workers.dispatcher!.leading;
  // One run of each task before any limit: the first run of a task takes longer from admission to its start (the
  // worker's first workflow and activity of it), which would shorten the spans the tests measure between starts.
  const warm = await Promise.all([trigger("rl-queue", "warm"), trigger("rl-keys", "warm")]);
  await Promise.all(warm.map((h) => t.waitForRun(h.id)));
});
afterAll(async () => t?.stop());

const span = (times: number[]) => Math.max(...times) - Math.min(...times);
/**
 * The dispatcher spaces admissions exactly; a task's start trails its admission by a latency that varies under load
 * (by up to a few hundred ms when the whole suite runs: the run admitted at once takes another path than those told
 * later by signal). So n starts at `intervalMs` apart must span at least n - 2 intervals: one interval of slack, far
 * above the ~200 ms that runs without a limit span.
 */
const expectSpaced = (label: string, intervalMs: number) => {
  const times = starts.get(label)!;
  const first = Math.min(...times);
  const relative = times.map((time) => time - first).sort((a, b) => a - b);
  expect(span(times), `${label}: starts at ${relative.join(", ")} ms`).toBeGreaterThanOrEqual(
    (times.length - 2) * intervalMs,
  );
};
const trigger = (taskId: string, label: string, concurrencyKey?: string) =>
  t.engine.trigger({ task: taskId, payload: { label }, options: concurrencyKey ? { concurrencyKey } : {} });

describe("rate limits", () => {
  it("a queue's rate limit spaces its starts over the period; removing it lets the rest start at once", async () => {
    const snapshot = await t.engine.configureQueue("task/rl-queue", { rateLimit: { limit: 2, period: "1s" } });
    expect(snapshot.rateLimit).toEqual({ limit: 2, period: "1s" });
    const spaced = await Promise.all(Array.from({ length: 6 }, () => trigger("rl-queue", "spaced")));
    await Promise.all(spaced.map((h) => t.waitForRun(h.id)));
    // Two a second, evenly: six starts take five intervals of 500 ms.
    expectSpaced("spaced", 500);
    expect(dispatcher.findStarved()).toBeUndefined();

    // Slower than the runs arrive: most wait. Removing the limit starts them all at once.
    await t.engine.configureQueue("task/rl-queue", { rateLimit: { limit: 1, period: "1m" } });
    const held = await Promise.all(Array.from({ length: 5 }, () => trigger("rl-queue", "released")));
    await expect.poll(() => dispatcher.waitingCount, { timeout: 20_000 }).toBe(4);
    expect(starts.get("released")?.length ?? 0).toBeLessThanOrEqual(1);
    const removed = await t.engine.configureQueue("task/rl-queue", { rateLimit: null });
    expect(removed.rateLimit).toBeNull();
    await Promise.all(held.map((h) => t.waitForRun(h.id)));
    expect(starts.get("released")).toHaveLength(5);
  });

  it("a per-key rate limit holds each key to its rate, side by side; burst lets that many start back to back", async () => {
    await t.engine.configureQueue("task/rl-keys", { rateLimitPerKey: { limit: 1, period: "1s" } });
    const handles = await Promise.all(
      ["a", "b"].flatMap((key) => [1, 2, 3].map(() => trigger("rl-keys", `key-${key}`, key))),
    );
    await Promise.all(handles.map((h) => t.waitForRun(h.id)));
    // Each key: three starts a second apart (2 s); the keys do not wait for each other (one shared limit: 5 s).
    for (const key of ["a", "b"]) expectSpaced(`key-${key}`, 1_000);
    expect(span([...starts.get("key-a")!, ...starts.get("key-b")!])).toBeLessThan(3_500);

    await t.engine.configureQueue("task/rl-keys", { rateLimitPerKey: { limit: 1, period: "10s", burst: 3 } });
    const burst = await Promise.all([1, 2, 3].map(() => trigger("rl-keys", "burst", "c")));
    await Promise.all(burst.map((h) => t.waitForRun(h.id)));
    expect(span(starts.get("burst")!)).toBeLessThan(3_000);
  });

  it("bad rate limits are refused with the field named and the fix", async () => {
    const before = (await t.engine.describeQueue("task/rl-queue")).rateLimit;
    await expect(
      t.engine.configureQueue("task/rl-queue", { rateLimit: { limit: 2, period: "1 minute" } }),
    ).rejects.toThrow(/rateLimit\.period.*"1m"/);
    await expect(
      t.engine.configureQueue("task/rl-queue", { rateLimitPerKey: { limit: 0, period: "1s" } }),
    ).rejects.toThrow(/rateLimitPerKey\.limit.*at least 1/);
    expect((await t.engine.describeQueue("task/rl-queue")).rateLimit).toEqual(before);
  });
});
