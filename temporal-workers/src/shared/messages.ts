/** Updates, signals and queries of the engine's workflows: one place, shared by workflow and client code. */
import { defineQuery, defineSignal, defineUpdate } from "@temporalio/workflow";
import type { MetadataOperation, TokenState } from "@stint/sdk/runtime";
import type {
  AttemptStartInfo,
  AwaitWaitpointInput,
  DurableCallInput,
  DurableCallResult,
  MetadataSignal,
  RunState,
  RunWorkflowInput,
  SubscribeSignal,
  WaitpointResolvedSignal,
} from "./run-types.js";
import type { ClaimKeyResult } from "./idempotency.js";
import type { DebounceClaimResult, DebouncePush } from "./debounce.js";
import type { AcquireSlotRequest, QueueConfiguration, QueueSnapshot } from "./queue-gate.js";

export const startAttemptUpdate = defineUpdate<AttemptStartInfo, [{ executionId: string; activityAttempt?: number }]>(
  "stint.startAttempt",
);
export const durableCallUpdate = defineUpdate<DurableCallResult, [DurableCallInput]>("stint.durableCall");
export const awaitWaitpointUpdate = defineUpdate<unknown, [AwaitWaitpointInput]>("stint.awaitWaitpoint");
export const rescheduleUpdate = defineUpdate<RunState, [{ delayUntil: string }]>("stint.reschedule");
export const updateMetadataUpdate = defineUpdate<Record<string, unknown>, [{ operations: MetadataOperation[] }]>(
  "stint.updateMetadata",
);

export const attemptStartedSignal =
  defineSignal<[{ executionId: string; startedAt?: string; version?: string }]>("stint.attemptStarted");
export const metadataSignal = defineSignal<[MetadataSignal]>("stint.metadata");
export const addTagsSignal = defineSignal<[{ tags: string[] }]>("stint.addTags");
export const subscribeSignal = defineSignal<[SubscribeSignal]>("stint.subscribe");
/** The webapp's news that a session registered this run's task: a run waiting for a route asks again at once. */
export const attemptRoutesChangedSignal = defineSignal("stint.attemptRoutesChanged");
export const waitpointResolvedSignal = defineSignal<[WaitpointResolvedSignal]>("stint.waitpointResolved");

export const claimKeyUpdate = defineUpdate<ClaimKeyResult, [{ run: RunWorkflowInput; ttlMs: number }]>(
  "stint.claimKey",
);
export const releaseKeySignal = defineSignal<[{ runId?: string }]>("stint.releaseKey");

/** To a debounce key's workflow: push its delayed run back with this trigger, or start `run` (update-with-start). */
export const debounceClaimUpdate = defineUpdate<DebounceClaimResult, [{ run: RunWorkflowInput }]>(
  "stint.debounceClaim",
);
/** To a delayed run: be pushed back (and take a trailing trigger's fields); refused once started or past maxDelay. */
export const debounceRunUpdate = defineUpdate<{ delayUntil: string }, [DebouncePush]>("stint.debounce");
/** From a debounced run to its key's workflow: it left DELAYED, so the next trigger starts a new run. */
export const debounceReleasedSignal = defineSignal<[{ runId: string }]>("stint.debounceReleased");

export const runStateQuery = defineQuery<RunState>("stint.runState");

export const completeTokenUpdate = defineUpdate<{ success: true }, [{ data: unknown }]>("stint.completeToken");
export const completeTokenSignal = defineSignal<[{ data: unknown }]>("stint.completeToken");
export const tokenStateQuery = defineQuery<TokenState>("stint.tokenState");

export const acquireSlotUpdate = defineUpdate<{ granted: boolean }, [AcquireSlotRequest]>("stint.acquireSlot");
export const releaseSlotSignal = defineSignal<[{ runId: string }]>("stint.releaseSlot");
export const slotGrantedSignal = defineSignal<[{ gateId: string }]>("stint.slotGranted");
export const configureQueueUpdate = defineUpdate<QueueSnapshot, [QueueConfiguration]>("stint.configureQueue");
export const queueSnapshotQuery = defineQuery<QueueSnapshot>("stint.queueSnapshot");
/** The dispatcher admitted the run's request `ticket`: it holds a lease for its next execution. */
export const admissionGrantedSignal = defineSignal<[{ ticket: number }]>("stint.admissionGranted");
