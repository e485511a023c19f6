/**
 * The dispatcher's rounds: each applies the releases and requests gathered since the last one, in one store write.
 * A request is answered by the round it kicks, even one arriving as the previous round ends (it once waited for an
 * unrelated timer). Runs that end give their slot back through the rounds too. While no run waits
 * for a slot, releases wait a moment for each other so that a batch's runs ending a few milliseconds apart share a
 * write (with PostgreSQL a statement each); while a run waits, a release is written at once and admits it. The
 * dispatcher and its store (memory, counting writes) are real; no Temporal is needed. setTimeout is faked so that the
 * test sees when a release would wait, without a clock.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { Dispatcher, MemoryLeaseStore, type DispatchCommit } from "../src/dispatcher/index.js";
import { admissionRequest } from "./harness/admission-requests.js";

class CountingStore extends MemoryLeaseStore {
  readonly commits: DispatchCommit[] = [];
  override async commit(change: DispatchCommit): Promise<void> {
    this.commits.push(change);
    await super.commit(change);
  }
}

const key = { environmentId: "env_release_batching", queue: "task/limited" };
const request = () => admissionRequest(key);

let dispatcher: Dispatcher | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await dispatcher?.stop();
  dispatcher = undefined;
});

async function startDispatcher(limit: number): Promise<CountingStore> {
  const store = new CountingStore();
  dispatcher = new Dispatcher({ store, notify: async () => undefined, closedRuns: async () => [] });
  await dispatcher.start();
  await dispatcher.configure(key, { declaredLimit: limit });
  return store;
}

/** Lets the dispatcher's promise chains run (its rounds) without moving the faked clock. */
const settle = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

describe("requests", () => {
  it("are answered by their own round, with no timer to help", async () => {
    // Faked before start: the dispatcher's ticks and settings polls never fire.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval"] });
    await startDispatcher(100);
    // One after the other: each arrives as the round of the one before ends.
    for (let i = 0; i < 20; i++) expect(await dispatcher!.request(request())).toBe(true);
    expect(dispatcher!.runningCount).toBe(20);
  });
});

describe("releases", () => {
  it("share one store write while no run waits", async () => {
    const store = await startDispatcher(100);
    const runs = Array.from({ length: 10 }, request);
    for (const run of runs) expect(await dispatcher!.request(run)).toBe(true);
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const before = store.commits.length;

    const released = runs.map((run) => dispatcher!.release(run.runId));
    await settle();
    expect(store.commits.length, "nothing waits: the releases wait for company").toBe(before);
    expect(dispatcher!.runningCount).toBe(10);

    await vi.advanceTimersByTimeAsync(50);
    await Promise.all(released);
    expect(store.commits.length - before).toBe(1);
    expect(store.commits.at(-1)!.released.sort()).toEqual(runs.map((run) => run.runId).sort());
    expect(dispatcher!.runningCount).toBe(0);
    expect(store.leases.size).toBe(0);
  });

  it("ride along with the next request's round", async () => {
    const store = await startDispatcher(1);
    const first = request();
    expect(await dispatcher!.request(first)).toBe(true);
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const before = store.commits.length;

    const released = dispatcher!.release(first.runId);
    await settle();
    const second = request();
    // The queue's only slot is free for it: the release went into the request's round, one write for both.
    expect(await dispatcher!.request(second)).toBe(true);
    await released;
    expect(store.commits.length - before).toBe(1);
    expect(store.commits.at(-1)).toMatchObject({ released: [first.runId], admitted: [{ runId: second.runId }] });
  });

  it("are written at once while a run waits for the slot, and admit it", async () => {
    const store = await startDispatcher(1);
    const holder = request();
    const waiter = request();
    expect(await dispatcher!.request(holder)).toBe(true);
    expect(await dispatcher!.request(waiter)).toBe(false);
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });

    // Resolves without the clock moving: the waiting run does not wait for company.
    await dispatcher!.release(holder.runId);
    expect(dispatcher!.holdsLease(waiter.runId)).toBe(true);
    expect(store.leases.has(waiter.runId)).toBe(true);
    expect(store.leases.has(holder.runId)).toBe(false);
  });

  it("still waiting for company are written when the dispatcher stops", async () => {
    const store = await startDispatcher(100);
    const run = request();
    expect(await dispatcher!.request(run)).toBe(true);
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });

    const released = dispatcher!.release(run.runId);
    await settle();
    expect(store.leases.has(run.runId)).toBe(true);
    await dispatcher!.stop();
    await released;
    expect(store.leases.has(run.runId)).toBe(false);
  });
});
