/**
 * Settings saved by another process (a webapp that does not run the dispatcher) reach the dispatcher by polling the
 * store. A queue's limit declared there just before its runs are triggered must hold from the first run: a request
 * for a queue the dispatcher has not seen waits for a poll that started after it arrived. The dispatcher and its
 * store are real (the store in memory, as in `stint dev`); no Temporal is needed, admissions are answered in memory.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Dispatcher, MemoryLeaseStore, emptyQueueSettings, type SettingsChanges } from "../src/dispatcher/index.js";
import { admissionRequest } from "./harness/admission-requests.js";

/** A store shared with "another process": it counts polls, can answer them late (read first) or fail them. */
class SharedStore extends MemoryLeaseStore {
  polls = 0;
  delayMs = 0;
  failures = 0;
  override async settingsChangedSince(since: number | undefined): Promise<SettingsChanges> {
    if (since !== undefined) this.polls++;
    const changes = await super.settingsChangedSince(since);
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    if (since !== undefined && this.failures > 0) {
      this.failures--;
      throw new Error("the database is unreachable");
    }
    return changes;
  }
}

const environmentId = "env_lag";
const limited = { environmentId, queue: "task/limited" };

/** What the webapp without the dispatcher does when a worker declares the queue: it saves it to the store. */
const declareElsewhere = (store: SharedStore, limit: number) =>
  store.saveQueue({ ...emptyQueueSettings(limited, 100), declaredLimit: limit });

const request = (queue = limited.queue) => admissionRequest({ environmentId, queue });

const errors: unknown[] = [];
let dispatcher: Dispatcher | undefined;
async function startDispatcher(store: SharedStore): Promise<Dispatcher> {
  dispatcher = new Dispatcher({
    store,
    notify: async () => undefined,
    closedRuns: async () => [],
    // Only the polls a request asks for: the timer's would hide the lag.
    settingsPollMs: 3_600_000,
    onError: (error) => errors.push(error),
  });
  await dispatcher.start();
  return dispatcher;
}

afterEach(async () => {
  await dispatcher?.stop();
  dispatcher = undefined;
  errors.length = 0;
});

describe("dispatcher settings declared by another process", () => {
  it("a limit saved elsewhere after the dispatcher started holds for runs asking right after it (one poll for the burst)", async () => {
    const store = new SharedStore();
    const d = await startDispatcher(store);
    await declareElsewhere(store, 2);
    const answers = await Promise.all(Array.from({ length: 10 }, () => d.request(request())));
    await d.settled();
    expect(answers.filter(Boolean)).toHaveLength(2);
    expect(store.leases.size).toBe(2);
    expect(store.waiting.size).toBe(8);
    expect(d.running(limited)).toBe(2);
    expect(d.isLimited(limited)).toBe(true);
    expect(store.polls).toBe(1);
  });

  it("a poll already under way, which read the store before the limit was saved, does not let the runs through", async () => {
    const store = new SharedStore();
    const d = await startDispatcher(store);
    store.delayMs = 100;
    const early = d.pollSettings();
    await declareElsewhere(store, 2);
    const answers = await Promise.all(Array.from({ length: 10 }, () => d.request(request())));
    await early;
    await d.settled();
    expect(answers.filter(Boolean)).toHaveLength(2);
    expect(store.leases.size).toBe(2);
    expect(store.polls).toBe(2);
  });

  it("requests keep their order while they wait, and one released meanwhile is dropped", async () => {
    const store = new SharedStore();
    const d = await startDispatcher(store);
    await declareElsewhere(store, 1);
    await d.configure({ environmentId, queue: "task/other" }, { declaredLimit: null });
    store.delayMs = 50;
    const requests = Array.from({ length: 4 }, () => ({ ...request(), requestedAt: 1_000 }));
    const answers = requests.map((r) => d.request(r));
    // Behind them, a queue the dispatcher knows already: it waits its turn rather than overtaking.
    const other = { ...request("task/other"), requestedAt: 1_000 };
    const otherAnswer = d.request(other);
    await d.release(requests[0]!.runId);
    expect(await Promise.all(answers)).toEqual([false, true, false, false]);
    expect(await otherAnswer).toBe(true);
    await d.settled();
    expect([...store.leases.keys()].sort()).toEqual([requests[1]!.runId, other.runId].sort());
    expect(store.waiting.has(requests[0]!.runId)).toBe(false);
    expect(store.waiting.size).toBe(2);
  });

  it("a poll that fails admits nothing: its requests are refused, and asked again they are admitted under the limit", async () => {
    const store = new SharedStore();
    const d = await startDispatcher(store);
    await declareElsewhere(store, 2);
    store.failures = 1;
    const runs = Array.from({ length: 5 }, () => request());
    const first = await Promise.allSettled(runs.map((r) => d.request(r)));
    expect(first.every((answer) => answer.status === "rejected")).toBe(true);
    expect(errors).toHaveLength(1);
    expect(store.leases.size + store.waiting.size).toBe(0);
    const again = await Promise.all(runs.map((r) => d.request({ ...r, ticket: 2 })));
    await d.settled();
    expect(again.filter(Boolean)).toHaveLength(2);
    expect(store.leases.size).toBe(2);
  });

  it("a queue without stored settings is looked for once, not at every request", async () => {
    const store = new SharedStore();
    const d = await startDispatcher(store);
    const unlimited = "task/unlimited";
    expect(await d.request(request(unlimited))).toBe(true);
    expect(await Promise.all(Array.from({ length: 5 }, () => d.request(request(unlimited))))).toEqual(
      Array(5).fill(true),
    );
    expect(store.polls).toBe(1);
  });
});
