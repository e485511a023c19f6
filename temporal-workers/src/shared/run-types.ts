/** Types shared by the run workflow (deterministic sandbox) and Node-side engine code. Plain JSON only. */
import type {
  BatchItemWire,
  ChildRunResult,
  DurableRequest,
  MetadataOperation,
  MetadataTarget,
  RunRecord,
  RunStatus,
  TokenResult,
  TriggerFunction,
  WaitInfoWire,
} from "@stint/sdk/runtime";
import type { SerializedError } from "@stint/sdk/runtime";

export interface EnvironmentRef {
  id: string;
  slug: string;
  type: "DEVELOPMENT" | "STAGING" | "PRODUCTION" | "PREVIEW";
  projectRef: string;
}

export interface RunWorkflowInput {
  runId: string;
  item: BatchItemWire;
  environment: EnvironmentRef;
  /** Task queue whose workers execute this run's attempts. */
  attemptQueue: string;
  createdAt: string;
  delayUntil?: string;
  /** Absolute expiry if the run has not started by then (computed when it leaves DELAYED). */
  ttlMs?: number;
  parentRunId?: string;
  rootRunId?: string;
  depth: number;
  batchId?: string;
  /** The schedule whose firing started this run. */
  scheduleId?: string;
  triggerFunction: TriggerFunction;
  /** Engine defaults for this run. */
  settings: EngineSettings;
  replayedFrom?: string;
  /** Key workflow holding this run's idempotency key: a failed run releases it. */
  idempotencyKeyWorkflowId?: string;
  /** Key workflow of this run's debounce key: told when the run leaves DELAYED. */
  debounceKeyWorkflowId?: string;
  /** The run was routed and admitted before its workflow started (see admitAtStart): its first execution's answer. */
  startAdmission?: StartAdmission;
  /** Which code path the run workflow takes (see RUN_WORKFLOW_REVISION); runs started before it existed have none. */
  revision?: number;
}

/** A lease the dispatcher granted before the run's workflow started, and for development runs the session's queue. */
export interface StartAdmission {
  /** The request's ticket: the workflow's next request counts on from it. */
  ticket: number;
  requestedAt: number;
  /** The queue had a limit (or a pause) when the run was admitted (see AdmissionAnswer). */
  limited: boolean;
  /** The attempt queue of the `stint dev` session chosen for the first execution (routed runs only). */
  taskQueue?: string;
}

export interface EngineSettings {
  /** Waits longer than this suspend the attempt (ms); null = never suspend. Per-task thresholds override. */
  checkpointThresholdMs: number | null;
  /** How fast a dead attempt process is noticed. */
  heartbeatTimeoutMs: number;
  /** Whether failed attempts are retried (Trigger disables retries in dev unless enabled in config). */
  retriesEnabled: boolean;
}

export interface AttemptActivityInput {
  runId: string;
  executionId: string;
  /** Confirm the start with the startAttempt update before running (runs with a ttl); else just announce it. */
  confirmStart: boolean;
  /** Everything the execution needs, as of when it was scheduled. */
  info: AttemptStartInfo;
  /** How the engine admitted this execution (absent for runs from before queue gates): the worker checks it against the task's code. */
  admission?: ExecutionAdmission;
}

export interface ExecutionAdmission {
  /** The queue whose limit the execution was admitted under. */
  queue: string;
  /** Whether it holds a slot of that queue's gate (false: admitted at once, as a queue with no known limit). */
  gated: boolean;
  /** Whether the trigger named the queue; else it was the engine's guess (the task's own queue) and the code may name another. */
  named: boolean;
}

/**
 * The attempt activity's answer when the execution was admitted short of what the task's code declares (triggered
 * before any worker declared the queue): nothing ran, and the run asks `queue`'s gate for a slot first.
 */
export interface AttemptRequeue {
  kind: "requeue";
  queue: string;
  /** The limit the code declares for `queue` (the gate takes it if it has none yet). */
  declaredLimit: number | null;
}

export type AttemptActivityResult = (
  | { kind: "success"; output: unknown; computeMs: number }
  | {
      kind: "failure";
      error: SerializedError;
      status: "FAILED" | "TIMED_OUT";
      retryDelayMs?: number;
      /** The machine preset the retry runs on (an attempt out of memory, with `retry.outOfMemory.machine`). */
      machine?: string;
      computeMs: number;
    }
  | { kind: "suspended"; seq: number; computeMs: number }
) & {
  /** The execution that produced this result and when it started (short attempts never announce themselves). */
  execution?: { token: string; startedAt: string; version?: string };
};

/** What an attempt execution learns when it starts: everything it needs to run the task. */
export interface AttemptStartInfo {
  runId: string;
  /** Token of this live execution (`<attempt>.<n>/<activity attempt>`): durable calls carry it; stale ones are refused. */
  executionId: string;
  attemptNumber: number;
  isReplay: boolean;
  item: BatchItemWire;
  environment: EnvironmentRef;
  metadata: Record<string, unknown>;
  tags: string[];
  createdAt: string;
  startedAt: string;
  computeMsUsed: number;
  /** Compute time of this attempt's earlier executions (maxDuration is per attempt, compute time only). */
  attemptComputeMsUsed?: number;
  maxAttempts?: number;
  maxDurationSeconds?: number;
  parentRunId?: string;
  rootRunId?: string;
  batchId?: string;
  settings: EngineSettings;
  /** Number of metadata operations of this attempt already applied (a replay skips re-applying them). */
  metadataOpsApplied: number;
  /** The bundle version the run is locked to (the one its first execution ran), if known. */
  version?: string;
}

export interface DurableCallInput {
  executionId: string;
  /** The bundle version this execution runs: the run stays on the first one it hears of. */
  version?: string;
  seq: number;
  request: DurableRequest;
}

export type DurableCallResult = { status: "completed"; result: unknown } | { status: "pending"; wait: WaitInfoWire };

export interface AwaitWaitpointInput {
  executionId: string;
  seq: number;
}

export interface MetadataSignal {
  attempt: number;
  /** Index of the first operation in this attempt's sequence, so replays do not re-apply operations. */
  fromIndex: number;
  target: MetadataTarget;
  operations: MetadataOperation[];
}

export interface WaitpointResolvedSignal {
  key: string;
  result: ChildRunResult | TokenResult;
}

export interface SubscribeSignal {
  workflowId: string;
  key: string;
}

export interface JournalEntry {
  seq: number;
  type: DurableRequest["type"];
  fingerprint: string;
  done: boolean;
  result?: unknown;
  wait?: WaitInfoWire;
  createdAt: string;
  completedAt?: string;
}

export interface AttemptRecord {
  number: number;
  status: "EXECUTING" | "COMPLETED" | "FAILED" | "TIMED_OUT" | "CANCELED";
  startedAt?: string;
  finishedAt?: string;
  executions: number;
  /** Compute time of this attempt's executions so far (waits excluded). */
  computeMs?: number;
  error?: SerializedError;
}

/** A run's full state: the run workflow's query answer and its result. */
export interface RunState extends RunRecord {
  attempts: AttemptRecord[];
  journal: JournalEntry[];
  item: BatchItemWire;
  computeMs: number;
}

export type { RunRecord, RunStatus, ChildRunResult, TokenResult };
