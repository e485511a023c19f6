/**
 * One Stint run = one execution of this workflow (workflow id = run id). It owns the run's status, attempts,
 * retries, delay / ttl timers, cancellation and the journal of waitpoints. Task code runs in attempt activities and
 * talks back to this workflow through updates; completed waitpoints stay in the journal, so a new execution of the
 * attempt (after a suspension or a crash) replays run() and gets them back instantly.
 */
import * as wf from "@temporalio/workflow";
import { ApplicationFailure } from "@temporalio/workflow";
import { isFinalStatus } from "@stint/sdk/core";
import type { ChildRunResult, DurableRequest, TokenResult, WaitInfoWire } from "@stint/sdk/runtime";
import type {
  AttemptActivityResult,
  AttemptRecord,
  AttemptRequeue,
  AttemptStartInfo,
  DurableCallResult,
  JournalEntry,
  RunState,
  RunStatus,
  RunWorkflowInput,
  SubscribeSignal,
} from "../shared/run-types.js";
import {
  addTagsSignal,
  awaitWaitpointUpdate,
  durableCallUpdate,
  metadataSignal,
  rescheduleUpdate,
  runStateQuery,
  startAttemptUpdate,
  attemptStartedSignal,
  attemptRoutesChangedSignal,
  subscribeSignal,
  releaseKeySignal,
  releaseSlotSignal,
  slotGrantedSignal,
  updateMetadataUpdate,
  waitpointResolvedSignal,
  debounceRunUpdate,
  debounceReleasedSignal,
} from "../shared/messages.js";
import { debouncePushRefusal, type TrailingFields } from "../shared/debounce.js";
import { SA } from "../shared/search-attributes.js";
import { applyMetadataOperations } from "../shared/apply-metadata.js";
import { resolveAttemptQueue } from "../shared/run-input.js";
import { ROUTED_SCHEDULE_TO_START_MS, isSessionRouted } from "../shared/attempt-routing.js";
import { childResultFromFailure } from "../shared/child-results.js";
import {
  completeTokenFromWorkflow,
  fingerprintOf,
  notifySubscribers,
  startChildRun,
  startTokenWorkflow,
  subscribeToToken,
  subscribeToRun,
  claimIdempotentChild,
  claimDebouncedChild,
  DebouncedItems,
  debouncedHandle,
} from "./waitpoints.js";
import type { AttemptActivities, EngineActivities } from "../activities/attempt-activity-types.js";
import { queueGateId, type QueueGateKey } from "../shared/queue-gate.js";
import { FAILURE_TYPES, runFailureType } from "../errors.js";

/** Past this many requeues of one attempt, its executions run without the worker's admission check. */
const MAX_REQUEUES_PER_ATTEMPT = 5;

export async function runWorkflow(input: RunWorkflowInput): Promise<RunState> {
  /** The trigger's item; a trailing debounce trigger replaces parts of it while the run is DELAYED. */
  let item = input.item;
  let options = item.options ?? {};
  const nowIso = () => new Date(Date.now()).toISOString();
  const state: RunState = {
    id: input.runId,
    taskIdentifier: input.item.task,
    status: input.delayUntil ? "DELAYED" : "QUEUED",
    payload: input.item.payload,
    // The payload once (above): the run's result and queries carry this state, and Temporal caps one payload at 2 MB.
    item: { ...input.item, payload: undefined },
    tags: [...(options.tags ?? [])],
    metadata: { ...(options.metadata ?? {}) },
    idempotencyKey: options.idempotencyKey,
    isTest: options.test ?? false,
    createdAt: input.createdAt,
    updatedAt: input.createdAt,
    delayedUntil: input.delayUntil,
    ttl: options.ttl,
    attemptCount: 0,
    depth: input.depth,
    triggerFunction: input.triggerFunction,
    batchId: input.batchId,
    parentRunId: input.parentRunId,
    rootRunId: input.rootRunId,
    durationMs: 0,
    computeMs: 0,
    version: options.version,
    queue: options.queue ?? `task/${input.item.task}`,
    concurrencyKey: options.concurrencyKey,
    machine: options.machine,
    environment: input.environment.slug,
    attempts: [],
    journal: [],
  };

  let delayUntil = input.delayUntil ? Date.parse(input.delayUntil) : undefined;
  let delayChanged = false;
  let attemptNumber = 0;
  let executionCount = 0;
  let executionId = "";
  /** Highest activity attempt seen for the current execution: processes of older attempts are refused. */
  let liveAttempt = 0;
  let journal = new Map<number, JournalEntry>();
  /** Durable calls of the current attempt still being performed, by waitpoint number. */
  let performing = new Map<number, Promise<void>>();
  /** Metadata operations of this attempt already applied, per target: a replay re-sends them and they are skipped. */
  let metadataOpsApplied: Record<string, number> = {};
  let attemptStarted = false;
  let startedThisExecution = false;
  let awaiting = 0;
  let finished = false;
  /** Set once an execution reported the bundle version it ran: every later execution runs that version too. */
  let versionLocked = false;
  const lockVersion = (version: string | undefined) => {
    if (!version || versionLocked) return;
    versionLocked = true;
    state.version = version;
  };
  const subscribers: SubscribeSignal[] = [];
  /** Signals this run sends to others: a run must not complete before they are delivered. */
  const outgoing = new Set<Promise<unknown>>();
  const track = (signal: Promise<unknown>) => {
    const settled = signal.catch(() => undefined).finally(() => outgoing.delete(settled));
    outgoing.add(settled);
  };

  const setStatus = (status: RunStatus) => {
    if (state.status === status) return;
    if (state.status === "DELAYED" && input.debounceKeyWorkflowId) {
      // Leaving DELAYED ends the debounce window: the key's next trigger starts a new run.
      const keyWorkflow = wf.getExternalWorkflowHandle(input.debounceKeyWorkflowId);
      track(wf.CancellationScope.nonCancellable(() => keyWorkflow.signal(debounceReleasedSignal, { runId: input.runId })));
    }
    state.status = status;
    state.updatedAt = nowIso();
    // Runs started before StintUpdatedAt existed replay without it (their histories lack that upsert).
    if (wf.patched("stint-updated-at")) {
      wf.upsertSearchAttributes([
        { key: SA.status, value: status },
        { key: SA.updatedAt, value: new Date(Date.now()) },
      ]);
    } else {
      wf.upsertSearchAttributes([{ key: SA.status, value: status }]);
    }
  };
  const currentAttempt = (): AttemptRecord | undefined => state.attempts[state.attempts.length - 1];
  const snapshot = (): RunState => ({ ...state, journal: [...journal.values()], metadata: { ...state.metadata } });

  /** Execution tokens are `<executionId>/<activity attempt>`; a crash retry is a newer activity attempt. */
  const parseToken = (token: string) => {
    const [id, attempt] = token.split("/");
    return { id: id!, attempt: Number(attempt ?? 1) };
  };
  const requireLive = (token: string) => {
    // StintStaleExecution: the executor stops the code of an execution the run no longer listens to.
    if (finished) throw ApplicationFailure.nonRetryable(`run ${input.runId} has finished`, FAILURE_TYPES.staleExecution);
    const { id, attempt } = parseToken(token);
    // A zombie process of an older activity attempt must not act for the run once a newer one has started.
    if (id !== executionId || attempt < liveAttempt) {
      throw ApplicationFailure.nonRetryable(`execution ${token} is no longer the live execution of run ${input.runId}`, FAILURE_TYPES.staleExecution);
    }
  };
  /** Records that `token`'s process is running (first news of it: a signal, the start update or a durable call). */
  const markLive = (token: string, startedAt?: string) => {
    const { attempt } = parseToken(token);
    if (attempt <= liveAttempt) return;
    liveAttempt = attempt;
    attemptStarted = true;
    startedThisExecution = true;
    const now = startedAt ?? nowIso();
    state.startedAt ??= now;
    const record = currentAttempt()!;
    record.startedAt ??= now;
    record.executions += 1;
    if (state.status === "QUEUED" || state.status === "WAITING") setStatus("EXECUTING");
  };
  const startInfo = (token: string): AttemptStartInfo => ({
    runId: input.runId,
    executionId: token,
    attemptNumber,
    isReplay: currentAttempt()!.executions > 0,
    item,
    environment: input.environment,
    metadata: { ...state.metadata },
    tags: [...state.tags],
    createdAt: input.createdAt,
    startedAt: state.startedAt ?? nowIso(),
    computeMsUsed: state.computeMs,
    attemptComputeMsUsed: currentAttempt()!.computeMs ?? 0,
    maxAttempts: options.maxAttempts,
    maxDurationSeconds: options.maxDuration,
    parentRunId: input.parentRunId,
    rootRunId: input.rootRunId,
    batchId: input.batchId,
    settings: input.settings,
    metadataOpsApplied: metadataOpsApplied.self ?? 0,
    version: state.version,
  });

  const complete = (entry: JournalEntry, result: unknown) => {
    if (entry.done) return;
    entry.done = true;
    entry.result = result;
    entry.completedAt = nowIso();
  };

  // ---- queries, updates and signals -------------------------------------------------------------------------
  wf.setHandler(runStateQuery, snapshot);

  // Runs with a ttl confirm their start through this update, so expiry and start cannot both happen.
  wf.setHandler(
    startAttemptUpdate,
    ({ executionId: requested, activityAttempt }): AttemptStartInfo => {
      const token = `${requested}/${activityAttempt ?? 1}`;
      markLive(token);
      return { ...startInfo(token), isReplay: currentAttempt()!.executions > 1 };
    },
    {
      validator: ({ executionId: requested, activityAttempt }) => {
        if (finished || isFinalStatus(state.status)) throw new Error(`run ${input.runId} is ${state.status}`);
        requireLive(`${requested}/${activityAttempt ?? 1}`);
      },
    },
  );

  wf.setHandler(attemptStartedSignal, ({ executionId: token, startedAt, version }) => {
    try {
      requireLive(token);
      markLive(token, startedAt);
      lockVersion(version);
    } catch {
      // News from a stale execution: ignore it.
    }
  });

  wf.setHandler(
    durableCallUpdate,
    async ({ executionId: token, seq, request, version }): Promise<DurableCallResult> => {
      markLive(token);
      lockVersion(version);
      const fingerprint = fingerprintOf(request);
      const existing = journal.get(seq);
      if (existing) {
        if (existing.fingerprint !== fingerprint) {
          throw ApplicationFailure.nonRetryable(
            `Replay diverged at waitpoint #${seq}: the journal has ${existing.fingerprint} but run() now asks for ${fingerprint}. ` +
              "Code before a wait must make the same durable calls in the same order on every replay (see docs/replay-contract.md).",
            FAILURE_TYPES.nonDeterminism,
          );
        }
        // A repeat while the first request is still being performed (a newer execution replaying after its
        // predecessor lost Temporal mid-call): answer once the first is done, as the first will.
        const first = performing.get(seq);
        if (first && wf.patched("stint-repeated-waitpoint")) await first;
        return existing.done ? { status: "completed", result: existing.result } : { status: "pending", wait: existing.wait! };
      }
      const entry: JournalEntry = { seq, type: request.type, fingerprint, done: false, createdAt: nowIso() };
      journal.set(seq, entry);
      const calls = performing;
      const call = performDurableCall(entry, request);
      calls.set(seq, call);
      try {
        await call;
      } finally {
        calls.delete(seq);
      }
      return entry.done ? { status: "completed", result: entry.result } : { status: "pending", wait: entry.wait! };
    },
    { validator: ({ executionId: execution }) => requireLive(execution) },
  );

  wf.setHandler(
    awaitWaitpointUpdate,
    async ({ seq }) => {
      const entry = journal.get(seq);
      if (!entry) throw ApplicationFailure.nonRetryable(`waitpoint #${seq} does not exist`, FAILURE_TYPES.unknownWaitpoint);
      awaiting++;
      if (state.status === "EXECUTING") setStatus("WAITING");
      try {
        await wf.condition(() => entry.done || finished);
      } finally {
        awaiting--;
        if (awaiting === 0 && state.status === "WAITING" && !finished) setStatus("EXECUTING");
      }
      if (!entry.done) throw ApplicationFailure.nonRetryable(`run ${input.runId} finished before waitpoint #${seq}`, FAILURE_TYPES.runFinished);
      return entry.result;
    },
    { validator: ({ executionId: execution }) => requireLive(execution) },
  );

  wf.setHandler(
    rescheduleUpdate,
    ({ delayUntil: next }) => {
      delayUntil = Date.parse(next);
      delayChanged = true;
      state.delayedUntil = next;
      state.updatedAt = nowIso();
      return snapshot();
    },
    {
      validator: ({ delayUntil: next }) => {
        if (state.status !== "DELAYED") throw new Error(`run ${input.runId} is ${state.status}; only DELAYED runs can be rescheduled`);
        if (Number.isNaN(Date.parse(next))) throw new Error(`delay: "${next}" is not a date`);
      },
    },
  );

  /** A trailing debounce trigger's payload and options replace the first trigger's (Trigger.dev's list of fields). */
  const takeTrailingFields = (fields: TrailingFields) => {
    const { payload, ...replaced } = fields;
    options = { ...options, ...replaced };
    item = { ...item, payload, options };
    state.payload = payload;
    state.item = { ...item, payload: undefined };
    if (fields.metadata !== undefined) state.metadata = { ...fields.metadata };
    if (fields.machine !== undefined) state.machine = fields.machine;
    if (fields.tags !== undefined) {
      state.tags = [...fields.tags];
      wf.upsertSearchAttributes([{ key: SA.tags, value: state.tags }]);
    }
  };

  // Only a DELAYED run takes a push, checked before the update is accepted: once the delay ends it is refused, so a
  // trigger either lands in this run or starts its own.
  wf.setHandler(
    debounceRunUpdate,
    (push) => {
      const until = Date.parse(push.delayUntil);
      // A push only ever moves the run later.
      if (delayUntil === undefined || until > delayUntil) {
        delayUntil = until;
        delayChanged = true;
        state.delayedUntil = push.delayUntil;
      }
      if (push.trailing) takeTrailingFields(push.trailing);
      state.updatedAt = nowIso();
      wf.upsertSearchAttributes([{ key: SA.updatedAt, value: new Date(Date.now()) }]);
      return { delayUntil: state.delayedUntil ?? push.delayUntil };
    },
    {
      validator: (push) => {
        const refusal = debouncePushRefusal(state.status, input.createdAt, push);
        if (refusal) throw new Error(refusal);
        if (Number.isNaN(Date.parse(push.delayUntil))) throw new Error(`delayUntil: "${push.delayUntil}" is not a date`);
      },
    },
  );

  wf.setHandler(
    updateMetadataUpdate,
    ({ operations }) => {
      state.metadata = applyMetadataOperations(state.metadata, operations);
      return { ...state.metadata };
    },
    // Refused before it is accepted (no history), so the handler itself never throws: that would fail the workflow task.
    { validator: ({ operations }) => void applyMetadataOperations(state.metadata, operations) },
  );

  wf.setHandler(metadataSignal, ({ attempt, fromIndex, target, operations }) => {
    let fresh = operations;
    if (attempt >= 0) {
      if (attempt !== attemptNumber) return;
      const applied = metadataOpsApplied[target] ?? 0;
      fresh = operations.slice(Math.max(0, applied - fromIndex));
      metadataOpsApplied[target] = Math.max(applied, fromIndex + operations.length);
    }
    if (fresh.length === 0) return;
    if (target !== "self") {
      const targetRun = target === "parent" ? input.parentRunId : (input.rootRunId ?? input.parentRunId);
      if (targetRun) {
        track(wf.getExternalWorkflowHandle(targetRun).signal(metadataSignal, { attempt: -1, fromIndex: 0, target: "self", operations: fresh }));
      }
      return;
    }
    try {
      state.metadata = applyMetadataOperations(state.metadata, fresh);
    } catch {
      // Over the size limit: keep the previous metadata; the SDK checks the limit before it flushes.
    }
  });

  wf.setHandler(addTagsSignal, ({ tags }) => {
    state.tags = [...new Set([...state.tags, ...tags])].slice(0, 10);
    wf.upsertSearchAttributes([{ key: SA.tags, value: state.tags }]);
  });

  wf.setHandler(subscribeSignal, (subscriber) => {
    if (finished) void notifySubscribers([subscriber], snapshot());
    else subscribers.push(subscriber);
  });

  /** Batch items waited for through completion notices (debounced runs), by `<attempt>:<seq>:<index>`. */
  const itemWaiters = new Map<string, (result: ChildRunResult) => void>();
  const notifiedResult = (runId: string, key: string) =>
    new Promise<ChildRunResult>((resolve) => {
      itemWaiters.set(key, resolve);
      void subscribeToRun(runId, input.runId, key).then((finishedAlready) => {
        if (finishedAlready && itemWaiters.delete(key)) resolve(finishedAlready);
      });
    });

  wf.setHandler(waitpointResolvedSignal, ({ key, result }) => {
    const waiter = itemWaiters.get(key);
    if (waiter) {
      itemWaiters.delete(key);
      return waiter(result as ChildRunResult);
    }
    // A batch item's notice nobody waits for any more (an earlier attempt's) is not the whole waitpoint's.
    if (key.split(":").length > 2) return;
    const [attempt, seq] = key.split(":").map(Number);
    if (attempt !== attemptNumber) return;
    const entry = journal.get(seq!);
    if (entry) complete(entry, result);
  });

  // ---- waitpoints --------------------------------------------------------------------------------------------
  const placement = (triggerFunction: "trigger" | "triggerAndWait" | "batchTrigger" | "batchTriggerAndWait", batchId?: string) => ({
    environment: input.environment,
    attemptQueue: input.attemptQueue,
    settings: input.settings,
    parentRunId: input.runId,
    rootRunId: input.rootRunId ?? input.runId,
    depth: input.depth + 1,
    batchId,
    triggerFunction,
    // Deployed environments: children run the version their parent runs (development sessions pick their own).
    version: input.environment.type === "DEVELOPMENT" ? undefined : state.version,
  });

  async function performDurableCall(entry: JournalEntry, request: DurableRequest): Promise<void> {
    switch (request.type) {
      case "duration": {
        const until = Date.parse(request.until);
        entry.wait = { type: "duration", date: request.until };
        const ms = until - Date.now();
        if (ms <= 0) return complete(entry, null);
        void wf.sleep(ms).then(
          () => complete(entry, null),
          () => undefined,
        );
        return;
      }
      case "trigger": {
        if (request.item.options?.idempotencyKey) {
          const claim = await claimIdempotentChild(request.item, placement("trigger"));
          return complete(entry, { id: claim.runId, taskIdentifier: request.item.task, isCached: claim.isCached, publicAccessToken: "" });
        }
        if (request.item.options?.debounce) {
          const claim = await claimDebouncedChild(request.item, placement("trigger"));
          return complete(entry, { id: claim.runId, taskIdentifier: request.item.task, isCached: false, publicAccessToken: "" });
        }
        const child = await startChildRun(request.item, placement("trigger"), "ABANDON");
        return complete(entry, child.handle);
      }
      case "batchTrigger": {
        const batchId = `batch_${wf.uuid4().replace(/-/g, "").slice(0, 24)}`;
        const debounced = new DebouncedItems();
        const handles = await Promise.all(
          request.items.map((item) =>
            item.options?.debounce
              ? debounced.claim(item, placement("batchTrigger", batchId)).then((claim) => debouncedHandle(claim.runId, item))
              : startChildRun(item, placement("batchTrigger", batchId), "ABANDON").then((c) => c.handle),
          ),
        );
        return complete(entry, { batchId, runCount: handles.length, runs: handles, publicAccessToken: "" });
      }
      case "triggerAndWait": {
        if (request.item.options?.idempotencyKey) {
          // The key may point to a run that is not our child: wait for it through a completion notice.
          const claim = await claimIdempotentChild(request.item, placement("triggerAndWait"));
          entry.wait = { type: "task", runId: claim.runId };
          const finishedAlready = await subscribeToRun(claim.runId, input.runId, `${attemptNumber}:${entry.seq}`);
          if (finishedAlready) complete(entry, finishedAlready);
          return;
        }
        if (request.item.options?.debounce) {
          // The debounced run may be another trigger's: wait for it through a completion notice.
          const claim = await claimDebouncedChild(request.item, placement("triggerAndWait"));
          entry.wait = { type: "task", runId: claim.runId };
          const finishedAlready = await subscribeToRun(claim.runId, input.runId, `${attemptNumber}:${entry.seq}`);
          if (finishedAlready) complete(entry, finishedAlready);
          return;
        }
        const child = await startChildRun(request.item, placement("triggerAndWait"), "REQUEST_CANCEL");
        entry.wait = { type: "task", runId: child.handle.id };
        void child.result.then((result) => complete(entry, result));
        return;
      }
      case "batchTriggerAndWait": {
        const batchId = `batch_${wf.uuid4().replace(/-/g, "").slice(0, 24)}`;
        const debounced = new DebouncedItems();
        const children = await Promise.all(
          request.items.map((item, index) =>
            item.options?.debounce
              ? debounced.claim(item, placement("batchTriggerAndWait", batchId)).then((claim) => ({
                  handle: debouncedHandle(claim.runId, item),
                  result: notifiedResult(claim.runId, `${attemptNumber}:${entry.seq}:${index}`),
                }))
              : startChildRun(item, placement("batchTriggerAndWait", batchId), "REQUEST_CANCEL"),
          ),
        );
        entry.wait = { type: "batch", batchId, runCount: children.length };
        void Promise.all(children.map((c) => c.result)).then((results: ChildRunResult[]) => complete(entry, { batchId, results }));
        return;
      }
      case "createToken": {
        const token = await startTokenWorkflow(request.options, input.environment);
        return complete(entry, token);
      }
      case "waitToken": {
        entry.wait = { type: "token", token: request.tokenId };
        const immediate = await subscribeToToken(request.tokenId, input.runId, `${attemptNumber}:${entry.seq}`);
        if (immediate) complete(entry, immediate satisfies TokenResult);
        return;
      }
      case "completeToken": {
        await completeTokenFromWorkflow(request.tokenId, request.data);
        return complete(entry, { success: true });
      }
    }
  }

  // ---- attempts ------------------------------------------------------------------------------------------------
  // Routed runs (development) learn their queue when an execution starts; others have one queue for good.
  const routed = isSessionRouted(input.attemptQueue);
  const attemptsOn = (taskQueue: string) =>
    wf.proxyActivities<AttemptActivities>({
      taskQueue,
      startToCloseTimeout: "24 hours",
      // A session chosen for an execution that died before polling it never starts it: route it again.
      ...(routed ? { scheduleToStartTimeout: ROUTED_SCHEDULE_TO_START_MS } : {}),
      heartbeatTimeout: input.settings.heartbeatTimeoutMs,
      retry: {
        initialInterval: "1 second",
        backoffCoefficient: 2,
        maximumInterval: "30 seconds",
        maximumAttempts: 20,
        nonRetryableErrorTypes: [FAILURE_TYPES.taskNotFound, FAILURE_TYPES.nonDeterminism],
      },
    });
  const fixedAttemptQueue = routed ? undefined : resolveAttemptQueue(input.attemptQueue, input.item.task);

  // ---- queue slot: each execution holds one of its queue's slots, so only executing runs count -----------------
  let gateKey: QueueGateKey = { environmentId: input.environment.id, queue: state.queue };
  let gateId = queueGateId(gateKey);
  /** The limit the task's code declares for the run's queue, once a worker sent the run back to that queue's gate. */
  let codeLimit: number | null | undefined;
  /** Times the current attempt was sent back: workers that disagree about the task's queue must not loop forever. */
  let requeues = 0;
  // Runs started before queue gates replay without them.
  const gated = wf.patched("stint-queue-gate");
  // A slot request that gets no answer is asked again soon: the gate treats a repeated request as the same one.
  const engine = wf.proxyLocalActivities<EngineActivities>({
    startToCloseTimeout: "10 seconds",
    retry: { initialInterval: "500 milliseconds", backoffCoefficient: 2, maximumInterval: "5 seconds" },
  });
  let slotGranted = false;
  /** Whether this execution holds a gate slot (queues without limit or pause are admitted without one). */
  let holdsSlot = false;
  wf.setHandler(slotGrantedSignal, ({ gateId: from }) => {
    if (from === gateId) slotGranted = true;
  });

  /** Waits for a slot; false if the ttl deadline passed first. */
  async function acquireSlot(deadline: number | undefined): Promise<boolean> {
    slotGranted = false;
    const request = { runId: input.runId, concurrencyKey: options.concurrencyKey, priorityMs: (options.priority ?? 0) * 1000, declaredLimit: codeLimit };
    // Until the answer is in, assume a slot may be held: a cancel mid-request still gives it back.
    holdsSlot = true;
    const { granted, gated: held } = await engine.acquireQueueSlot(gateKey, request);
    // Answers recorded before ungated queues existed lack `gated`: those runs always held a slot.
    holdsSlot = held ?? true;
    if (granted) return true;
    if (deadline === undefined) {
      await wf.condition(() => slotGranted);
      return true;
    }
    return wf.condition(() => slotGranted, Math.max(1, deadline - Date.now()));
  }
  const releaseSlot = () => {
    if (!holdsSlot) return;
    holdsSlot = false;
    track(wf.CancellationScope.nonCancellable(() => wf.getExternalWorkflowHandle(gateId).signal(releaseSlotSignal, { runId: input.runId })));
  };

  /** The worker found the run admitted short of its code's queue (triggered before the queue was declared). */
  const moveToQueue = (requeue: AttemptRequeue) => {
    requeues++;
    codeLimit = requeue.declaredLimit;
    if (requeue.queue === state.queue) return;
    state.queue = requeue.queue;
    state.updatedAt = nowIso();
    gateKey = { environmentId: input.environment.id, queue: requeue.queue };
    gateId = queueGateId(gateKey);
  };

  // ---- routing: which live `stint dev` session gets this execution (routed runs only) ----------------------------
  let routesChanged = false;
  wf.setHandler(attemptRoutesChangedSignal, () => {
    routesChanged = true;
  });
  const setStatusReason = (reason: string | undefined) => {
    if (state.statusReason === reason) return;
    state.statusReason = reason;
    state.updatedAt = nowIso();
  };

  /** The queue of the session that gets this execution; while no session has the task, waits QUEUED saying why. */
  async function awaitRoute(deadline: number | undefined): Promise<string | "expired"> {
    // The webapp signals when a session registers the task; asking again now and then covers a missed signal.
    for (let retryMs = 1_000; ; retryMs = Math.min(retryMs * 2, 120_000)) {
      routesChanged = false;
      const route = await engine.routeAttempt({ environmentId: input.environment.id, taskIdentifier: input.item.task, runId: input.runId });
      if (route.taskQueue !== undefined) {
        setStatusReason(undefined);
        return route.taskQueue;
      }
      setStatusReason(route.reason);
      if (deadline !== undefined && deadline <= Date.now()) return "expired";
      await wf.condition(() => routesChanged, Math.max(1, deadline === undefined ? retryMs : Math.min(retryMs, deadline - Date.now())));
    }
  }

  const isScheduleToStartTimeout = (error: unknown) =>
    error instanceof wf.ActivityFailure && error.cause instanceof wf.TimeoutFailure && error.cause.timeoutType === "SCHEDULE_TO_START";

  /** Runs one execution of the current attempt on its queue, inside a queue slot; 'expired' if the ttl passed first. */
  async function runExecution(ttlDeadline: number | undefined): Promise<AttemptActivityResult | AttemptRequeue | "expired"> {
    for (;;) {
      const taskQueue = fixedAttemptQueue ?? (await awaitRoute(ttlDeadline));
      if (taskQueue === "expired") return "expired";
      try {
        return await runGatedExecution(ttlDeadline, taskQueue);
      } catch (error) {
        if (routed && isScheduleToStartTimeout(error)) continue;
        throw error;
      }
    }
  }

  async function runGatedExecution(ttlDeadline: number | undefined, taskQueue: string): Promise<AttemptActivityResult | AttemptRequeue | "expired"> {
    if (!gated) return runAdmittedExecution(ttlDeadline, taskQueue);
    let admitted: boolean;
    try {
      admitted = await acquireSlot(ttlDeadline);
    } catch (error) {
      releaseSlot();
      throw error;
    }
    try {
      return admitted ? await runAdmittedExecution(ttlDeadline, taskQueue) : "expired";
    } finally {
      releaseSlot();
    }
  }

  async function runAdmittedExecution(ttlDeadline: number | undefined, taskQueue: string): Promise<AttemptActivityResult | AttemptRequeue | "expired"> {
    executionId = `${attemptNumber}.${++executionCount}`;
    liveAttempt = 0;
    startedThisExecution = false;
    const confirmStart = ttlDeadline !== undefined && !attemptStarted;
    const scope = new wf.CancellationScope();
    const admission = gated && requeues < MAX_REQUEUES_PER_ATTEMPT ? { queue: state.queue, gated: holdsSlot, named: options.queue !== undefined } : undefined;
    const running = scope.run(() => attemptsOn(taskQueue).runAttempt({ runId: input.runId, executionId, confirmStart, info: startInfo(executionId), admission }));
    if (ttlDeadline !== undefined && !attemptStarted) {
      let settled = false;
      void running.then(
        () => (settled = true),
        () => (settled = true),
      );
      const started = await wf.condition(() => startedThisExecution || settled, Math.max(1, ttlDeadline - Date.now()));
      if (!started) {
        executionId = "";
        scope.cancel();
        await running.catch(() => undefined);
        return "expired";
      }
    }
    return running;
  }

  const failRun = (status: RunStatus, error: { name: string; message: string; stack?: string }) => {
    state.error = error;
    setStatus(status);
  };

  try {
    // DELAYED: wait for the (reschedulable) delay.
    while (delayUntil !== undefined && delayUntil > Date.now()) {
      delayChanged = false;
      await wf.condition(() => delayChanged, delayUntil - Date.now());
    }
    if (state.status === "DELAYED") setStatus("QUEUED");
    const ttlDeadline = input.ttlMs === undefined ? undefined : Date.now() + input.ttlMs;

    attemptLoop: for (attemptNumber = 1; ; attemptNumber++) {
      journal = new Map();
      performing = new Map();
      metadataOpsApplied = {};
      state.attemptCount = attemptNumber;
      state.attempts.push({ number: attemptNumber, status: "EXECUTING", executions: 0 });
      requeues = 0;
      let result: AttemptActivityResult | AttemptRequeue | "expired";
      for (;;) {
        try {
          result = await runExecution(attemptStarted ? undefined : ttlDeadline);
        } catch (error) {
          if (wf.isCancellation(error)) throw error;
          const cause = (error as { cause?: { message?: string; type?: string } }).cause;
          currentAttempt()!.status = "FAILED";
          failRun(cause?.type === FAILURE_TYPES.taskNotFound ? "SYSTEM_FAILURE" : "CRASHED", {
            name: cause?.type ?? "AttemptCrashed",
            message: cause?.message ?? (error as Error).message,
          });
          break attemptLoop;
        }
        if (result === "expired") {
          state.expiredAt = nowIso();
          currentAttempt()!.status = "CANCELED";
          state.attempts.pop();
          state.attemptCount = 0;
          failRun("EXPIRED", { name: "RunExpired", message: `Run was not started within its ttl of ${options.ttl}` });
          break attemptLoop;
        }
        if (result.kind === "requeue") {
          // Nothing ran: ask the right gate for a slot, then execute again.
          moveToQueue(result);
          continue;
        }
        if (result.execution) {
          markLive(result.execution.token, result.execution.startedAt);
          lockVersion(result.execution.version);
        }
        state.computeMs += result.computeMs;
        currentAttempt()!.computeMs = (currentAttempt()!.computeMs ?? 0) + result.computeMs;
        if (result.kind !== "suspended") break;
        // Suspended: no process is held; wait durably for the waitpoint, then replay run().
        setStatus("WAITING");
        const entry = journal.get(result.seq);
        await wf.condition(() => entry?.done === true);
        setStatus("QUEUED");
      }
      const attempt = currentAttempt()!;
      attempt.finishedAt = nowIso();
      if (result.kind === "success") {
        attempt.status = "COMPLETED";
        state.output = result.output;
        setStatus("COMPLETED");
        break;
      }
      if (result.kind === "failure") {
        attempt.status = result.status;
        attempt.error = result.error;
        if (result.status === "TIMED_OUT") {
          failRun("TIMED_OUT", result.error);
          break;
        }
        if (result.retryDelayMs !== undefined && input.settings.retriesEnabled) {
          setStatus("QUEUED");
          await wf.sleep(Math.max(1, result.retryDelayMs));
          continue;
        }
        failRun("FAILED", result.error);
        break;
      }
    }
  } catch (error) {
    if (!wf.isCancellation(error)) throw error;
    const attempt = currentAttempt();
    if (attempt && attempt.status === "EXECUTING") attempt.status = "CANCELED";
    state.error = { name: "CanceledError", message: "Run was canceled" };
    setStatus("CANCELED");
  }

  finished = true;
  state.finishedAt = nowIso();
  state.updatedAt = state.finishedAt;
  state.durationMs = state.computeMs;
  const final = snapshot();
  await wf.CancellationScope.nonCancellable(async () => {
    await notifySubscribers(subscribers, final);
    await wf.condition(wf.allHandlersFinished);
    while (outgoing.size > 0) await Promise.all([...outgoing]);
  });
  const failed = final.status !== "COMPLETED" && final.status !== "CANCELED";
  if (failed && input.idempotencyKeyWorkflowId) {
    // Trigger semantics: a failed run clears its idempotency key, so the next trigger with it starts a new run.
    await wf.getExternalWorkflowHandle(input.idempotencyKeyWorkflowId).signal(releaseKeySignal, { runId: input.runId }).catch(() => undefined);
  }
  // A canceled run closes as Canceled in Temporal too (runs canceled before this patch closed as Completed). Temporal
  // keeps no details with a cancellation: readers get the final state by a query instead.
  if (final.status === "CANCELED" && wf.CancellationScope.current().consideredCancelled && wf.patched("stint-canceled-status")) {
    throw new wf.CancelledFailure(final.error?.message ?? "Run was canceled");
  }
  if (final.status === "FAILED" || final.status === "CRASHED" || final.status === "SYSTEM_FAILURE" || final.status === "TIMED_OUT") {
    // A failed run fails its Temporal execution (red in the Web UI); the run's record travels in the details.
    throw ApplicationFailure.create({ message: final.error?.message ?? final.status, type: runFailureType(final.status), nonRetryable: true, details: [final] });
  }
  return final;
}

export { childResultFromFailure };
export type { WaitInfoWire };
