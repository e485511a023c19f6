/** Activity signatures as the workflows see them (types only: activity code lives outside the sandbox). */
import type { ChildRunResult, TokenResult, TokenState } from "@stint/sdk/runtime";
import type {
  AttemptActivityInput,
  AttemptActivityResult,
  AttemptRequeue,
  RunWorkflowInput,
} from "../shared/run-types.js";
import type { ClaimKeyResult } from "../shared/idempotency.js";
import type { DebounceClaimResult, DebouncePush } from "../shared/debounce.js";
import type { AcquireSlotRequest, QueueGateKey, SlotAnswer } from "../shared/queue-gate.js";
import type { AttemptRoute, AttemptRouteRequest } from "../shared/attempt-routing.js";
import type { AdmissionAnswer, AdmissionRequest } from "../shared/dispatch.js";

export interface AttemptActivities {
  runAttempt(input: AttemptActivityInput): Promise<AttemptActivityResult | AttemptRequeue>;
}

/** Admission through the engine's dispatcher: local activities of the engine worker, or on the dispatcher's queue. */
export interface DispatchActivities {
  /** Asks the dispatcher for a slot for the run's next execution. */
  dispatchRequestAdmission(request: AdmissionRequest): Promise<AdmissionAnswer>;
  /** Gives the run's slot back (or ends its wait). */
  dispatchReleaseAdmission(runId: string): Promise<AdmissionAnswer>;
}

export interface EngineActivities extends DispatchActivities {
  /** Result of a token that may have closed already (a late subscriber). */
  readTokenResult(tokenId: string): Promise<TokenResult | null>;
  readTokenState(tokenId: string): Promise<TokenState | null>;
  /** Workflows cannot update-with-start, so runs triggered under an idempotency key go through this activity. */
  claimIdempotentRun(run: RunWorkflowInput, ttlMs: number): Promise<ClaimKeyResult>;
  /** Debounced triggers from task code go through the key workflow (update-with-start), like idempotent ones. */
  claimDebouncedRun(run: RunWorkflowInput): Promise<DebounceClaimResult>;
  /** A debounce key's push to its delayed run (the run's `stint.debounce` update); refused once it started. */
  pushDebouncedRun(
    runId: string,
    push: DebouncePush,
  ): Promise<{ pushed: true; delayUntil: string } | { pushed: false; reason: string }>;
  /** When the run is due to start if it is still DELAYED, else null. */
  delayedUntil(runId: string): Promise<string | null>;
  /** Final result of a run that already closed, for a late waiter; null while it is still running. */
  readRunResult(runId: string): Promise<ChildRunResult | null>;
  /** Admission for an execution: at once for queues without limit or pause, else a slot from the queue's gate. */
  acquireQueueSlot(key: QueueGateKey, request: AcquireSlotRequest): Promise<SlotAnswer>;
  /** Which of these runs have closed (a gate frees slots that dead runs never released). */
  closedRuns(runIds: string[]): Promise<string[]>;
  /** Which live session's queue gets a routed run's next execution (see attempt-routing). */
  routeAttempt(request: AttemptRouteRequest): Promise<AttemptRoute>;
  /** routeAttempt, then (once a session has the task) dispatchRequestAdmission: one local activity instead of two. */
  routeAndRequestAdmission(request: {
    route: AttemptRouteRequest;
    admission: AdmissionRequest;
  }): Promise<{ route: AttemptRoute; admission?: AdmissionAnswer }>;
  /** A schedule's previous and next fire times around `at` (cron arithmetic stays out of workflow code). */
  scheduleTimes(cron: string, timezone: string, at: string): Promise<{ lastTimestamp?: string; upcoming: string[] }>;
}
