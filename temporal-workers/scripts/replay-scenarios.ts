/**
 * The scenarios whose histories become replay fixtures (test/replay-histories): each drives real runs through a real
 * engine and names the workflows to record. Together they reach every `patched()` branch and the main paths of every
 * workflow type. Scenarios only use the engine's public client and task code, so the recorder can drive an older
 * checkout's engine with them (for histories made before a patch).
 */
import type { RunState } from "../src/shared/run-types.js";
import type { StintEngineClient } from "../src/client/engine-client.js";
import type { Client } from "@temporalio/client";

/** The parts of an engine checkout a scenario uses (loaded from the checkout being recorded, see the recorder). */
export interface ScenarioContext {
  engine: StintEngineClient;
  client: Client;
  /** That checkout's SDK: `task`, `wait`, `metadata`, … (task code runs in this process). */
  sdk: typeof import("@stint/sdk");
  /** That checkout's messages module (workflow update and signal definitions). */
  messages: typeof import("../src/shared/messages.js");
  waitForRun(runId: string, until?: (state: RunState) => boolean, timeoutMs?: number): Promise<RunState>;
  /** Waits until the run has finished and checks it finished with `status` (a scenario that went another way throws). */
  ended(runId: string, status: RunState["status"]): Promise<RunState>;
  /** The `patched()` ids of the workflow code being recorded. */
  patches: string[];
  /** Queue gate workflow id of a queue of this environment. */
  gateId(queue: string): string;
}

/** A workflow to record, named `<scenario>.<role>.json`. */
export interface Recorded {
  role: string;
  workflowId: string;
  workflowType:
    | "runWorkflow"
    | "tokenWorkflow"
    | "queueGateWorkflow"
    | "idempotencyKeyWorkflow"
    | "debounceKeyWorkflow"
    | "scheduleFireWorkflow";
}

export interface Scenario {
  name: string;
  description: string;
  /** `patched()` ids whose call this scenario reaches (the branch taken depends on the code that records it). */
  patches: string[];
  run(ctx: ScenarioContext): Promise<Recorded[]>;
}

const run = (role: string, workflowId: string): Recorded => ({ role, workflowId, workflowType: "runWorkflow" });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();
async function until(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(100);
  }
}
/** Every run reaches setStatus and (on a queue) the gate check. */
const RUN_PATCHES = ["stint-updated-at", "stint-queue-gate", "stint-dispatcher"];

/** Task code for the scenarios; defined with the SDK of the checkout being recorded. */
export function defineScenarioTasks(sdk: ScenarioContext["sdk"]): void {
  const { task, wait, metadata, tags } = sdk;
  const child = task({
    id: "replay-child",
    retry: { maxAttempts: 1 },
    run: async (payload: { n: number; ms?: number; fail?: boolean }) => {
      if (payload.ms) await sleep(payload.ms);
      if (payload.fail) throw new Error(`child ${payload.n} failed`);
      return { doubled: payload.n * 2 };
    },
  });
  task({ id: "replay-hello", run: async (payload: unknown) => ({ echo: payload }) });
  task({
    id: "replay-metadata-tags",
    run: async () => {
      metadata.set("progress", 0.5);
      await tags.add("replay-tag");
      metadata.set("progress", 1);
      await metadata.flush();
      return "tagged";
    },
  });
  task({ id: "replay-wait-short", run: async () => (await wait.for({ seconds: 1 }), "waited") });
  task({
    id: "replay-wait-suspended",
    checkpointThreshold: 1,
    run: async () => (await wait.for({ seconds: 2 }), "woke"),
  });
  task({ id: "replay-wait-long", checkpointThreshold: 1, run: async () => (await wait.for({ minutes: 10 }), "never") });
  task({
    id: "replay-trigger-and-wait",
    checkpointThreshold: 1,
    run: async () => child.triggerAndWait({ n: 21, ms: 2_500 }).unwrap(),
  });
  task({ id: "replay-parent-in-process", run: async () => child.triggerAndWait({ n: 1, ms: 8_000 }).unwrap() });
  task({
    id: "replay-batch",
    run: async () => {
      const fired = await child.trigger({ n: 0 });
      const background = await child.batchTrigger([{ payload: { n: 1 } }, { payload: { n: 2 } }]);
      const waited = await child.batchTriggerAndWait([{ payload: { n: 3 } }, { payload: { n: 4, fail: true } }]);
      return { fired: fired.id, background: background.batchId, ok: waited.runs.map((r) => r.ok) };
    },
  });
  task({
    id: "replay-token",
    checkpointThreshold: 1,
    run: async (payload: { timeout?: string }) => {
      const token = await wait.createToken({ timeout: payload.timeout ?? "10m", tags: ["replay"] });
      const result = await wait.forToken<{ approved: boolean }>(token);
      return result.ok ? { approved: result.output.approved } : { error: result.error.name };
    },
  });
  task({
    id: "replay-complete-token",
    run: async (payload: { tokenId: string }) => wait.completeToken(payload.tokenId, { approved: true }),
  });
  task({
    id: "replay-retry",
    retry: { maxAttempts: 3, minTimeoutInMs: 200, maxTimeoutInMs: 200, factor: 1 },
    run: async (_: unknown, { ctx }) => {
      if (ctx.attempt.number < 2) throw new Error("first attempt fails");
      return { attempt: ctx.attempt.number };
    },
  });
  task({
    id: "replay-fails",
    retry: { maxAttempts: 2, minTimeoutInMs: 200, maxTimeoutInMs: 200, factor: 1 },
    run: async () => {
      throw new Error("always fails");
    },
  });
  task({
    id: "replay-idempotent-children",
    run: async () => {
      const fired = await child.trigger({ n: 5 }, { idempotencyKey: "replay-child-trigger" });
      const waited = await child.triggerAndWait({ n: 6 }, { idempotencyKey: "replay-child-wait" }).unwrap();
      return { fired: fired.id, waited };
    },
  });
  task({
    id: "replay-single-slot",
    queue: { name: "replay-single", concurrencyLimit: 1 },
    run: async (payload: { ms: number }) => (await sleep(payload.ms), "held"),
  });
  task({
    id: "replay-large",
    run: async (payload: { blob: string }) => ({ length: payload.blob.length, blob: payload.blob }),
  });
  task({
    id: "replay-timed-out",
    maxDuration: 5,
    retry: { maxAttempts: 2 },
    run: async () => (await sleep(8_000), "too late"),
  });
  task({
    id: "replay-debounce-parent",
    run: async (payload: { key: string }) => {
      const waited = await child.triggerAndWait({ n: 7 }, { debounce: { key: `${payload.key}-wait`, delay: "1s" } });
      const batch = await child.batchTriggerAndWait([
        { payload: { n: 8 }, options: { debounce: { key: `${payload.key}-batch`, delay: "1s" } } },
        { payload: { n: 9 }, options: { debounce: { key: `${payload.key}-batch`, delay: "1s", mode: "trailing" } } },
      ]);
      return { waited: waited.ok, batch: batch.runs.map((r) => r.id) };
    },
  });
  task({
    id: "replay-debounce-triggers",
    run: async (payload: { key: string }) => {
      const debounce = (suffix: string) => ({ debounce: { key: `${payload.key}-${suffix}`, delay: "2s" } });
      const fired = await child.trigger({ n: 10 }, debounce("one"));
      const again = await child.trigger({ n: 11 }, debounce("one"));
      const batch = await child.batchTrigger([
        { payload: { n: 12 }, options: debounce("batch") },
        { payload: { n: 13 }, options: debounce("batch") },
        { payload: { n: 14 } },
      ]);
      return { same: fired.id === again.id, batch: batch.runs.map((r) => r.id) };
    },
  });
  let stalled = false;
  task({
    id: "replay-stalls-once",
    run: async () => {
      // Past the second in which an execution announces its start (only executions the run heard of are counted).
      await sleep(1_500);
      if (!stalled) {
        stalled = true;
        // The process stops answering (no heartbeats) for longer than the heartbeat timeout, as a hung worker does.
        const until = Date.now() + 5_000;
        while (Date.now() < until);
      }
      return "after a stall";
    },
  });
  task({ id: "replay-blocked", run: async (payload: { ms: number }) => (await sleep(payload.ms), "released") });
}

export const scenarios: Scenario[] = [
  {
    name: "run-completes",
    description: "a run that completes at its first attempt",
    patches: RUN_PATCHES,
    async run({ engine, ended }) {
      const { id } = await engine.trigger({
        task: "replay-hello",
        payload: { hello: "world" },
        options: { tags: ["replay"] },
      });
      await ended(id, "COMPLETED");
      return [run("run", id)];
    },
  },
  {
    name: "run-metadata-tags",
    description: "task code sets metadata and adds tags (signals to its run), the client updates metadata",
    patches: RUN_PATCHES,
    async run({ engine, ended }) {
      const { id } = await engine.trigger({
        task: "replay-metadata-tags",
        payload: null,
        options: { metadata: { from: "trigger" } },
      });
      await ended(id, "COMPLETED");
      return [run("run", id)];
    },
  },
  {
    name: "run-wait-short",
    description: "wait.for under the checkpoint threshold: the execution stays and waits on the run's timer",
    patches: RUN_PATCHES,
    async run({ engine, ended }) {
      const { id } = await engine.trigger({ task: "replay-wait-short", payload: null });
      await ended(id, "COMPLETED");
      return [run("run", id)];
    },
  },
  {
    name: "run-wait-suspended",
    description: "wait.for past the checkpoint threshold: the execution ends (suspended), a new one replays run()",
    patches: RUN_PATCHES,
    async run({ engine, ended }) {
      const { id } = await engine.trigger({ task: "replay-wait-suspended", payload: null });
      await ended(id, "COMPLETED");
      return [run("run", id)];
    },
  },
  {
    name: "run-trigger-and-wait",
    description: "triggerAndWait: a child run (a child workflow), the parent suspended until it completes",
    patches: RUN_PATCHES,
    async run({ engine, ended }) {
      const { id } = await engine.trigger({ task: "replay-trigger-and-wait", payload: null });
      const state = await ended(id, "COMPLETED");
      const childId = (state.journal[0]?.wait as { runId?: string } | undefined)?.runId;
      if (!childId) throw new Error("the parent's journal names no child run");
      return [run("parent", id), run("child", childId)];
    },
  },
  {
    name: "run-batch",
    description: "trigger, batchTrigger and batchTriggerAndWait from task code; one waited child fails",
    patches: RUN_PATCHES,
    async run({ engine, ended }) {
      const { id } = await engine.trigger({ task: "replay-batch", payload: null });
      const state = await ended(id, "COMPLETED");
      const failed = (
        state.journal[2]?.result as { results?: { id: string; ok: boolean }[] } | undefined
      )?.results?.find((r) => !r.ok);
      if (!failed) throw new Error("the batch has no failed child");
      await ended(failed.id, "FAILED");
      return [run("parent", id), run("failed-child", failed.id)];
    },
  },
  {
    name: "token-completed",
    description: "wait.createToken + wait.forToken in a suspended run, the token completed from outside",
    patches: [...RUN_PATCHES, "stint-token-status"],
    async run({ engine, waitForRun, ended }) {
      const { id } = await engine.trigger({ task: "replay-token", payload: {} });
      const waiting = await waitForRun(id, (s) => s.journal.length === 2 && s.status === "WAITING");
      const tokenId = (waiting.journal[0]!.result as { id: string }).id;
      await engine.completeToken(tokenId, { approved: true });
      await ended(id, "COMPLETED");
      return [run("run", id), { role: "token", workflowId: tokenId, workflowType: "tokenWorkflow" }];
    },
  },
  {
    name: "token-timed-out",
    description: "a token that times out; the waiting run gets WaitpointTimeoutError",
    patches: [...RUN_PATCHES, "stint-token-status"],
    async run({ engine, ended }) {
      const { id } = await engine.trigger({ task: "replay-token", payload: { timeout: "1s" } });
      const state = await ended(id, "COMPLETED");
      const tokenId = (state.journal[0]!.result as { id: string }).id;
      return [run("run", id), { role: "token", workflowId: tokenId, workflowType: "tokenWorkflow" }];
    },
  },
  {
    name: "token-completed-by-run",
    description: "a token created by the client and completed from task code (wait.completeToken)",
    patches: [...RUN_PATCHES, "stint-token-status"],
    async run({ engine, ended }) {
      // The engine takes the date the SDK computes from a duration.
      const token = await engine.createToken({ timeout: inMinutes(10) });
      const { id } = await engine.trigger({ task: "replay-complete-token", payload: { tokenId: token.id } });
      await ended(id, "COMPLETED");
      await until(async () => (await engine.retrieveToken(token.id)).status === "COMPLETED");
      return [run("run", id), { role: "token", workflowId: token.id, workflowType: "tokenWorkflow" }];
    },
  },
  {
    name: "run-retry",
    description: "the first attempt fails, the retry (after a workflow timer) succeeds",
    patches: RUN_PATCHES,
    async run({ engine, ended }) {
      const { id } = await engine.trigger({ task: "replay-retry", payload: null });
      await ended(id, "COMPLETED");
      return [run("run", id)];
    },
  },
  {
    name: "run-failed",
    description: "every attempt fails: the run ends FAILED (its workflow fails with the run's state)",
    patches: RUN_PATCHES,
    async run({ engine, ended }) {
      const { id } = await engine.trigger({ task: "replay-fails", payload: null });
      await ended(id, "FAILED");
      return [run("run", id)];
    },
  },
  {
    name: "run-canceled-suspended",
    description: "a run canceled while suspended on a long wait",
    patches: [...RUN_PATCHES, "stint-canceled-status"],
    async run({ engine, waitForRun, ended }) {
      const { id } = await engine.trigger({ task: "replay-wait-long", payload: null });
      await waitForRun(id, (s) => s.status === "WAITING" && s.journal.length === 1);
      await sleep(1_500);
      await engine.cancelRun(id);
      await ended(id, "CANCELED");
      return [run("run", id)];
    },
  },
  {
    name: "run-canceled-with-child",
    description: "a parent canceled while its execution waits on a child in process: the cancel reaches the child",
    patches: [...RUN_PATCHES, "stint-canceled-status"],
    async run({ engine, waitForRun, ended }) {
      const { id } = await engine.trigger({ task: "replay-parent-in-process", payload: null });
      const waiting = await waitForRun(id, (s) => s.journal.length === 1 && s.status === "WAITING");
      const childId = (waiting.journal[0]!.wait as { runId: string }).runId;
      await waitForRun(childId, (s) => s.status === "EXECUTING");
      await engine.cancelRun(id);
      await ended(id, "CANCELED");
      await ended(childId, "CANCELED");
      return [run("parent", id), run("child", childId)];
    },
  },
  {
    name: "run-delayed",
    description: "a delayed run, rescheduled sooner, then runs",
    patches: RUN_PATCHES,
    async run({ engine, waitForRun, ended }) {
      const { id } = await engine.trigger({ task: "replay-hello", payload: null, options: { delay: "1h" } });
      await waitForRun(id, (s) => s.status === "DELAYED");
      await engine.rescheduleRun(id, new Date(Date.now() + 1_000).toISOString());
      await ended(id, "COMPLETED");
      return [run("run", id)];
    },
  },
  {
    name: "run-ttl-expired",
    description: "a run on a paused queue does not start within its ttl: EXPIRED",
    patches: RUN_PATCHES,
    async run({ engine, ended }) {
      await engine.configureQueue("replay-paused", { paused: true });
      const { id } = await engine.trigger({
        task: "replay-hello",
        payload: null,
        options: { ttl: "2s", queue: "replay-paused" },
      });
      await ended(id, "EXPIRED");
      return [run("run", id)];
    },
  },
  {
    name: "queue-limit",
    description: "a queue of limit 1: the second run waits for the gate's grant, a third expires (ttl) while waiting",
    patches: RUN_PATCHES,
    async run({ engine, waitForRun, ended, gateId }) {
      await engine.configureQueue("replay-single", { declaredLimit: 1 });
      const holder = await engine.trigger({ task: "replay-single-slot", payload: { ms: 3_000 } });
      await waitForRun(holder.id, (s) => s.status === "EXECUTING");
      const waiter = await engine.trigger({ task: "replay-single-slot", payload: { ms: 10 } });
      const expiring = await engine.trigger({
        task: "replay-single-slot",
        payload: { ms: 10 },
        options: { ttl: "1s" },
      });
      await Promise.all([ended(holder.id, "COMPLETED"), ended(waiter.id, "COMPLETED"), ended(expiring.id, "EXPIRED")]);
      return [
        run("holder", holder.id),
        run("waiter", waiter.id),
        run("expired", expiring.id),
        { role: "gate", workflowId: gateId("replay-single"), workflowType: "queueGateWorkflow" },
      ];
    },
  },
  {
    name: "dispatcher-queue-limit",
    description:
      "a queue of limit 1 under the dispatcher: the second run waits for its admission signal, a third expires (ttl) while waiting",
    patches: RUN_PATCHES,
    async run({ engine, waitForRun, ended }) {
      await engine.configureQueue("replay-dispatched", { declaredLimit: 1 });
      const holder = await engine.trigger({
        task: "replay-single-slot",
        payload: { ms: 3_000 },
        options: { queue: "replay-dispatched" },
      });
      await waitForRun(holder.id, (s) => s.status === "EXECUTING");
      const waiter = await engine.trigger({
        task: "replay-single-slot",
        payload: { ms: 10 },
        options: { queue: "replay-dispatched" },
      });
      const expiring = await engine.trigger({
        task: "replay-single-slot",
        payload: { ms: 10 },
        options: { ttl: "1s", queue: "replay-dispatched" },
      });
      await Promise.all([ended(holder.id, "COMPLETED"), ended(waiter.id, "COMPLETED"), ended(expiring.id, "EXPIRED")]);
      return [run("holder", holder.id), run("waiter", waiter.id), run("expired", expiring.id)];
    },
  },
  {
    name: "idempotency-key",
    description:
      "two triggers with one idempotency key: the key workflow starts the run once, the repeat gets it cached",
    patches: RUN_PATCHES,
    async run({ engine, ended }) {
      const item = {
        task: "replay-hello",
        payload: { n: 1 },
        options: { idempotencyKey: `replay-${Date.now()}`, idempotencyKeyTTL: "1h" },
      };
      const first = await engine.trigger(item);
      const again = await engine.trigger(item);
      if (again.id !== first.id || !again.isCached) throw new Error("the repeated trigger did not get the cached run");
      await ended(first.id, "COMPLETED");
      const keyId = await workflowIdOfKey(engine, first.id);
      return [run("run", first.id), { role: "key", workflowId: keyId, workflowType: "idempotencyKeyWorkflow" }];
    },
  },
  {
    name: "idempotency-key-failed-run",
    description: "a run started through an idempotency key fails: it releases its key",
    patches: RUN_PATCHES,
    async run({ engine, ended }) {
      const { id } = await engine.trigger({
        task: "replay-fails",
        payload: null,
        options: { idempotencyKey: `replay-fail-${Date.now()}` },
      });
      await ended(id, "FAILED");
      const keyId = await workflowIdOfKey(engine, id);
      return [run("run", id), { role: "key", workflowId: keyId, workflowType: "idempotencyKeyWorkflow" }];
    },
  },
  {
    name: "run-idempotent-children",
    description: "task code triggers and triggerAndWaits children with idempotency keys (claimed by the key workflow)",
    patches: RUN_PATCHES,
    async run({ engine, ended }) {
      const { id } = await engine.trigger({ task: "replay-idempotent-children", payload: null });
      const state = await ended(id, "COMPLETED");
      // The waited run is not a child workflow: the parent subscribed to it (stint.subscribe) and it signalled back.
      const waitedId = (state.journal[1]?.wait as { runId?: string } | undefined)?.runId;
      if (!waitedId) throw new Error("the parent's journal names no waited run");
      return [run("parent", id), run("waited", waitedId)];
    },
  },
  {
    name: "run-large-payload",
    description: "a 300 KB payload and output: the run carries references to the object store",
    patches: RUN_PATCHES,
    async run({ engine, ended }) {
      const { id } = await engine.trigger({ task: "replay-large", payload: { blob: "x".repeat(300_000) } });
      await ended(id, "COMPLETED");
      return [run("run", id)];
    },
  },
  {
    name: "run-repeated-waitpoint",
    description:
      "a newer execution repeats a durable call while its predecessor's is still being performed (two stint.durableCall " +
      "updates for waitpoint #1 in one workflow task, as after an execution lost Temporal mid-call)",
    patches: [...RUN_PATCHES, "stint-repeated-waitpoint"],
    async run({ engine, client, messages, patches, waitForRun, ended }) {
      const { id } = await engine.trigger({ task: "replay-blocked", payload: { ms: 4_000 } });
      await waitForRun(id, (s) => s.status === "EXECUTING");
      const handle = client.workflow.getHandle(id);
      // The first execution of attempt 1 is `1.1`, activity attempt 1 (see runAdmittedExecution).
      const call = {
        executionId: "1.1/1",
        seq: 1,
        request: { type: "createToken" as const, options: { timeout: inMinutes(1) } },
      };
      const [first, repeat] = await Promise.all([
        handle.executeUpdate(messages.durableCallUpdate, { args: [call] }),
        handle.executeUpdate(messages.durableCallUpdate, { args: [call] }),
      ]);
      if (first.status !== "completed") throw new Error(`the first call answered ${JSON.stringify(first)}`);
      // Before the patch a repeat arriving mid-call was answered at once: pending. Later, it did not overlap.
      if (!patches.includes("stint-repeated-waitpoint") && repeat.status !== "pending")
        throw new Error("the repeat did not overlap the first call");
      const state = await ended(id, "COMPLETED");
      const tokenId = (state.journal[0]?.result as { id?: string } | undefined)?.id;
      return [
        run("run", id),
        ...(tokenId ? [{ role: "token", workflowId: tokenId, workflowType: "tokenWorkflow" as const }] : []),
      ];
    },
  },
  {
    name: "run-client-updates",
    description: "while a run waits on a token, the client updates its metadata (stint.updateMetadata) and adds tags",
    patches: RUN_PATCHES,
    async run({ engine, waitForRun, ended }) {
      const { id } = await engine.trigger({ task: "replay-token", payload: {} });
      const waiting = await waitForRun(id, (s) => s.journal.length === 2 && s.status === "WAITING");
      await engine.updateMetadata(id, [
        { type: "set", key: "stage", value: "review" },
        { type: "increment", key: "reviews", value: 1 },
      ]);
      await engine.addTags(id, ["reviewed"]);
      await engine.completeToken((waiting.journal[0]!.result as { id: string }).id, { approved: false });
      await ended(id, "COMPLETED");
      return [run("run", id)];
    },
  },
  {
    name: "run-timed-out",
    description: "a run computing past its maxDuration ends TIMED_OUT, not retried",
    patches: RUN_PATCHES,
    async run({ engine, ended }) {
      const { id } = await engine.trigger({ task: "replay-timed-out", payload: null });
      await ended(id, "TIMED_OUT");
      return [run("run", id)];
    },
  },
  {
    name: "run-task-not-found",
    description: "a run of a task no worker has: its attempt fails StintTaskNotFound, the run ends SYSTEM_FAILURE",
    patches: RUN_PATCHES,
    async run({ engine, ended }) {
      const { id } = await engine.trigger({ task: "replay-no-such-task", payload: null });
      await ended(id, "SYSTEM_FAILURE");
      return [run("run", id)];
    },
  },
  {
    name: "queue-paused",
    description: "a run on a paused queue waits QUEUED; resuming the queue admits it (the gate signals its grant)",
    patches: RUN_PATCHES,
    async run({ engine, ended, gateId }) {
      await engine.configureQueue("replay-paused-resumed", { paused: true });
      const { id } = await engine.trigger({
        task: "replay-hello",
        payload: null,
        options: { queue: "replay-paused-resumed" },
      });
      await until(async () => (await engine.describeQueue("replay-paused-resumed")).queued === 1);
      await engine.configureQueue("replay-paused-resumed", { paused: false });
      await ended(id, "COMPLETED");
      return [
        run("run", id),
        { role: "gate", workflowId: gateId("replay-paused-resumed"), workflowType: "queueGateWorkflow" },
      ];
    },
  },
  {
    name: "idempotency-key-reset",
    description: "an idempotency key reset by the client (idempotencyKeys.reset): the key workflow lets go and ends",
    patches: RUN_PATCHES,
    async run({ engine, client, ended }) {
      const key = `replay-reset-${Date.now()}`;
      const { id } = await engine.trigger({ task: "replay-hello", payload: null, options: { idempotencyKey: key } });
      await ended(id, "COMPLETED");
      const keyId = await workflowIdOfKey(engine, id);
      await engine.resetIdempotencyKey("replay-hello", key);
      await client.workflow.getHandle(keyId).result();
      return [run("run", id), { role: "key", workflowId: keyId, workflowType: "idempotencyKeyWorkflow" }];
    },
  },
  {
    name: "schedule-fire",
    description: "a Temporal Schedule fires (triggered now): scheduleFireWorkflow starts the scheduled task's run",
    patches: RUN_PATCHES,
    async run({ engine, client, ended }) {
      const scheduleId = `sched_replay${Date.now()}`;
      const placement = {
        environment: engine.options.environment,
        attemptQueue: engine.options.attemptQueue,
        settings: engine.settings,
        depth: 0,
        triggerFunction: "trigger" as const,
      };
      const input = {
        scheduleId,
        type: "IMPERATIVE" as const,
        taskIdentifier: "replay-hello",
        cron: "0 0 1 1 *",
        timezone: "UTC",
        placement,
      };
      const schedule = await client.schedule.create({
        scheduleId,
        spec: { cronExpressions: [input.cron], timezone: input.timezone },
        action: {
          type: "startWorkflow",
          workflowType: "scheduleFireWorkflow",
          workflowId: `${scheduleId}-fire`,
          taskQueue: engine.options.workflowTaskQueue,
          args: [input],
        },
      });
      try {
        await schedule.trigger();
        let fireId: string | undefined;
        await until(async () =>
          Boolean((fireId = (await schedule.describe()).info.recentActions[0]?.action.workflow.workflowId)),
        );
        const { runId } = (await client.workflow.getHandle(fireId!).result()) as { runId: string };
        await ended(runId, "COMPLETED");
        return [{ role: "fire", workflowId: fireId!, workflowType: "scheduleFireWorkflow" }, run("run", runId)];
      } finally {
        await schedule.delete();
      }
    },
  },
  {
    name: "run-crash-retry",
    description:
      "an execution stops heartbeating (a hung worker): Temporal retries the attempt activity, a new execution runs",
    patches: RUN_PATCHES,
    async run({ engine, ended }) {
      // Runs take the heartbeat timeout from their trigger's engine settings.
      const impatient = new (engine.constructor as typeof StintEngineClient)({
        ...engine.options,
        settings: { ...engine.settings, heartbeatTimeoutMs: 2_000 },
      });
      const { id } = await impatient.trigger({ task: "replay-stalls-once", payload: null });
      const state = await ended(id, "COMPLETED");
      if ((state.attempts[0]?.executions ?? 0) < 2)
        throw new Error(`expected a second execution of attempt 1, got ${JSON.stringify(state.attempts)}`);
      return [run("run", id)];
    },
  },
  {
    name: "queue-holder-gone",
    description:
      "a run holding a queue's only slot is terminated (never gives it back): the gate's holder check frees the slot",
    patches: RUN_PATCHES,
    async run({ engine, client, waitForRun, ended, gateId }) {
      await engine.configureQueue("replay-holder-gone", { declaredLimit: 1 });
      const options = { queue: "replay-holder-gone" };
      const holder = await engine.trigger({ task: "replay-blocked", payload: { ms: 8_000 }, options });
      await waitForRun(holder.id, (s) => s.status === "EXECUTING");
      const waiter = await engine.trigger({ task: "replay-blocked", payload: { ms: 10 }, options });
      await until(async () => (await engine.describeQueue("replay-holder-gone")).queued === 1);
      await client.workflow.getHandle(holder.id).terminate("replay scenario: a run that never gives its slot back");
      // The gate checks its holders once a minute while runs wait.
      await ended(waiter.id, "COMPLETED");
      return [
        run("waiter", waiter.id),
        { role: "gate", workflowId: gateId("replay-holder-gone"), workflowType: "queueGateWorkflow" },
      ];
    },
  },
  {
    name: "debounce-trailing",
    description:
      "three triggers on one debounce key (trailing): one DELAYED run pushed back twice (stint.debounce), then released",
    patches: RUN_PATCHES,
    async run({ engine, client, ended }) {
      const debounce = { key: `replay-${Date.now()}`, delay: "2s", mode: "trailing" as const };
      const first = await engine.trigger({ task: "replay-hello", payload: { n: 1 }, options: { debounce } });
      for (const n of [2, 3]) {
        const again = await engine.trigger({
          task: "replay-hello",
          payload: { n },
          options: { debounce, tags: [`n${n}`] },
        });
        if (again.id !== first.id)
          throw new Error(`trigger ${n} started ${again.id} instead of landing in ${first.id}`);
      }
      const state = await ended(first.id, "COMPLETED");
      if ((state.output as { echo: { n: number } }).echo.n !== 3)
        throw new Error(`the run did not take the trailing payload: ${JSON.stringify(state.output)}`);
      const keyId = await workflowIdOfKey(engine, first.id);
      await client.workflow.getHandle(keyId).result();
      return [run("run", first.id), { role: "key", workflowId: keyId, workflowType: "debounceKeyWorkflow" }];
    },
  },
  {
    name: "debounce-from-task",
    description:
      "task code triggerAndWaits a debounced run and batchTriggerAndWaits two items sharing a key (completion notices)",
    patches: RUN_PATCHES,
    async run({ engine, ended }) {
      const { id } = await engine.trigger({ task: "replay-debounce-parent", payload: { key: `replay-${Date.now()}` } });
      const state = await ended(id, "COMPLETED");
      const output = state.output as { waited: boolean; batch: string[] };
      if (!output.waited || new Set(output.batch).size !== 1)
        throw new Error(`unexpected debounce result ${JSON.stringify(output)}`);
      return [run("parent", id), run("batch-run", output.batch[0]!)];
    },
  },
  {
    name: "debounce-trigger-from-task",
    description:
      "task code triggers twice with one debounce key and batchTriggers two items sharing a key (key workflows, in item order)",
    patches: RUN_PATCHES,
    async run({ engine, ended }) {
      const { id } = await engine.trigger({
        task: "replay-debounce-triggers",
        payload: { key: `replay-${Date.now()}` },
      });
      const state = await ended(id, "COMPLETED");
      const output = state.output as { same: boolean; batch: string[] };
      if (!output.same || output.batch[0] !== output.batch[1] || output.batch[1] === output.batch[2])
        throw new Error(`unexpected debounce result ${JSON.stringify(output)}`);
      return [run("parent", id)];
    },
  },
  {
    name: "debounce-max-delay",
    description:
      "a push past maxDelay is refused by the run (validator): it starts when it was due and the key starts a second run",
    patches: RUN_PATCHES,
    async run({ engine, client, ended }) {
      // Pushing 1.5 s after the first trigger would put the run past its maxDelay, long before it is due.
      const item = {
        task: "replay-hello",
        payload: { n: 1 },
        options: { debounce: { key: `replay-max-${Date.now()}`, delay: "8s", maxDelay: "9s" } },
      };
      const first = await engine.trigger(item);
      await sleep(1_500);
      const second = await engine.trigger({ ...item, payload: { n: 2 } });
      if (second.id === first.id) throw new Error("a push past maxDelay was taken");
      if ((await engine.runState(first.id)).status !== "DELAYED")
        throw new Error("the first run was no longer delayed: the push was not refused for maxDelay");
      await Promise.all([ended(first.id, "COMPLETED"), ended(second.id, "COMPLETED")]);
      const keyId = await workflowIdOfKey(engine, first.id);
      await client.workflow.getHandle(keyId).result();
      return [
        run("first", first.id),
        run("second", second.id),
        { role: "key", workflowId: keyId, workflowType: "debounceKeyWorkflow" },
      ];
    },
  },
  {
    name: "debounce-canceled",
    description: "a delayed debounced run is canceled: it tells its key (from the canceled scope), which closes",
    patches: [...RUN_PATCHES, "stint-canceled-status"],
    async run({ engine, client, ended }) {
      const { id } = await engine.trigger({
        task: "replay-hello",
        payload: null,
        options: { debounce: { key: `replay-cancel-${Date.now()}`, delay: "1h" } },
      });
      await engine.cancelRun(id);
      await ended(id, "CANCELED");
      const keyId = await workflowIdOfKey(engine, id);
      await client.workflow.getHandle(keyId).result();
      return [run("run", id), { role: "key", workflowId: keyId, workflowType: "debounceKeyWorkflow" }];
    },
  },
  {
    name: "idempotency-key-debounced",
    description:
      "a trigger with an idempotency key and a debounce key: the idempotency key workflow claims the debounce key",
    patches: RUN_PATCHES,
    async run({ engine, ended }) {
      const idempotencyKey = `replay-idem-debounce-${Date.now()}`;
      const { id } = await engine.trigger({
        task: "replay-hello",
        payload: { n: 1 },
        options: { idempotencyKey, debounce: { key: idempotencyKey, delay: "1s" } },
      });
      await ended(id, "COMPLETED");
      // The run is the debounce key workflow's child; the idempotency key workflow is named as the engine names it.
      const debounceKeyId = await workflowIdOfKey(engine, id);
      return [
        run("run", id),
        {
          role: "key",
          workflowId: `idem_${engine.options.environment.slug}_replay-hello_${idempotencyKey}`,
          workflowType: "idempotencyKeyWorkflow",
        },
        { role: "debounce-key", workflowId: debounceKeyId, workflowType: "debounceKeyWorkflow" },
      ];
    },
  },
];

/** The idempotency or debounce key workflow's id (read from the run's start: its parent is the key workflow). */
async function workflowIdOfKey(engine: StintEngineClient, runId: string): Promise<string> {
  const description = await engine.client.workflow.getHandle(runId).describe();
  const parent = description.parentExecution?.workflowId;
  if (!parent) throw new Error(`run ${runId} was not started by an idempotency key workflow`);
  return parent;
}
