/**
 * The contract between task code (this SDK) and an engine. Inside `run()` every durable call goes through the
 * current attempt's RunRuntime; outside a run, triggering and management go through the installed ClientRuntime.
 * Everything here crosses process boundaries, so it is plain JSON.
 */
import type { SerializedError } from "../core/errors.js";
import type { RunStatus } from "../core/run-status.js";

export {
  FAILED_STATUSES,
  FINAL_STATUSES,
  isFailedStatus,
  isFinalStatus,
  RUN_STATUSES,
  type FinalStatus,
  type RunStatus,
} from "../core/run-status.js";

export type TriggerFunction = "trigger" | "triggerAndWait" | "batchTrigger" | "batchTriggerAndWait";

/** TriggerOptions as they travel: durations stay as given, dates become ISO strings. */
export interface TriggerOptionsWire {
  idempotencyKey?: string;
  idempotencyKeyTTL?: string;
  /** The key as the user gave it and its scope (Trigger.dev's idempotencyKeyOptions); `idempotencyKey` is its hash. */
  idempotencyKeyOptions?: { key: string; scope: "run" | "attempt" | "global" };
  delay?: string;
  ttl?: string | number;
  tags?: string[];
  metadata?: Record<string, unknown>;
  maxAttempts?: number;
  maxDuration?: number;
  queue?: string;
  concurrencyKey?: string;
  machine?: string;
  priority?: number;
  version?: string;
  test?: boolean;
  debounce?: DebounceOptionsWire;
}

/** Collapses triggers with one key (per environment and task) into one delayed run; see docs/triggering.md. */
export interface DebounceOptionsWire {
  key: string;
  /** A duration ("5s", "2h30m"), applied from each trigger. */
  delay: string;
  /** "leading" (default) runs the first trigger's payload; "trailing" the last one's. */
  mode?: "leading" | "trailing";
  /** Bound on how far after the first trigger the run may be pushed. */
  maxDelay?: string;
}

export interface BatchItemWire {
  task: string;
  payload: unknown;
  options?: TriggerOptionsWire;
}

export interface TokenOptionsWire {
  idempotencyKey?: string;
  idempotencyKeyTTL?: string;
  timeout?: string;
  tags?: string[];
}

/** A durable call from inside run(): recorded once in the run's journal, answered from it on replay. */
export type DurableRequest =
  | { type: "duration"; until: string }
  | { type: "trigger"; item: BatchItemWire }
  | { type: "batchTrigger"; items: BatchItemWire[]; idempotencyKey?: string }
  | { type: "triggerAndWait"; item: BatchItemWire }
  | { type: "batchTriggerAndWait"; items: BatchItemWire[]; idempotencyKey?: string }
  | { type: "createToken"; options: TokenOptionsWire }
  | { type: "waitToken"; tokenId: string }
  | { type: "completeToken"; tokenId: string; data: unknown };

export interface RunHandleWire {
  id: string;
  taskIdentifier: string;
  isCached?: boolean;
  publicAccessToken: string;
}

export interface BatchHandleWire {
  batchId: string;
  runCount: number;
  runs: RunHandleWire[];
  publicAccessToken: string;
}

/** Outcome of a child run as seen by its waiting parent. */
export type ChildRunResult =
  | { ok: true; id: string; taskIdentifier: string; output: unknown }
  | { ok: false; id: string; taskIdentifier: string; error: SerializedError; status: RunStatus };

export interface TokenWire {
  id: string;
  isCached: boolean;
  url: string;
  publicAccessToken: string;
}

export type TokenResult = { ok: true; output: unknown } | { ok: false; error: SerializedError };

export interface TokenState {
  id: string;
  status: "WAITING" | "COMPLETED" | "TIMED_OUT";
  idempotencyKey?: string;
  idempotencyKeyExpiresAt?: string;
  timeoutAt?: string;
  completedAt?: string;
  output?: unknown;
  error?: SerializedError;
  tags: string[];
  createdAt: string;
}

export type MetadataOperation =
  | { type: "set"; key: string; value: unknown }
  | { type: "delete"; key: string }
  | { type: "append"; key: string; value: unknown }
  | { type: "remove"; key: string; value: unknown }
  | { type: "increment"; key: string; value: number }
  | { type: "update"; value: Record<string, unknown> };

export type MetadataTarget = "self" | "parent" | "root";

export interface TaskRunContext {
  task: { id: string; filePath: string; exportName?: string };
  attempt: { number: number; startedAt: Date; id: string };
  run: {
    id: string;
    tags: string[];
    isTest: boolean;
    createdAt: Date;
    startedAt: Date;
    idempotencyKey?: string;
    maxAttempts?: number;
    maxDuration?: number;
    durationMs: number;
    costInCents: number;
    baseCostInCents: number;
    version?: string;
  };
  queue: { name: string; id: string };
  environment: { id: string; slug: string; type: "DEVELOPMENT" | "STAGING" | "PRODUCTION" | "PREVIEW" };
  organization: { id: string; slug: string; name: string };
  project: { id: string; ref: string; slug: string; name: string };
  batch?: { id: string };
  machine?: { name: string; cpu: number; memory: number; centsPerMs: number };
  deployment?: undefined;
  parentRunId?: string;
  rootRunId?: string;
}

/** What one attempt of run() may ask of its engine. Implemented by an executor, one per attempt execution. */
export interface RunRuntime {
  readonly ctx: TaskRunContext;
  /** Records `request` as the next waitpoint in the run's journal (or replays it) and resolves with its result. */
  durable<T>(request: DurableRequest, hooks?: WaitHooks): Promise<T>;
  /** Queues metadata operations; `flushMetadata` sends them. */
  enqueueMetadata(target: MetadataTarget, operations: MetadataOperation[]): void;
  flushMetadata(): Promise<void>;
  /** Current metadata of this run as seen by this attempt. */
  readonly metadata: Record<string, unknown>;
  addTags(tags: string[]): Promise<void>;
  log(level: LogLevel, message: string, attributes?: Record<string, unknown>): void;
}

export type WaitInfoWire =
  | { type: "duration"; date: string }
  | { type: "token"; token: string }
  | { type: "task"; runId: string }
  | { type: "batch"; batchId: string; runCount: number };

/** Called by the runtime when a waitpoint really waits (not when it is answered from the journal). */
export interface WaitHooks {
  onWait(info: WaitInfoWire): Promise<void>;
  onResume(info: WaitInfoWire): Promise<void>;
}

export type LogLevel = "debug" | "log" | "info" | "warn" | "error";

/** A waitpoint of a run as the dashboard's run page shows it (no results: child outputs can be large). */
export interface WaitpointView {
  seq: number;
  type: DurableRequest["type"];
  done: boolean;
  createdAt: string;
  completedAt?: string;
  /** Runs it triggered or waits for (their run pages). */
  runIds: string[];
  /** The waitpoint token it created or waits for. */
  tokenId?: string;
  batchId?: string;
  /** A duration wait's end. */
  until?: string;
}

/** A queue as the REST API and the dashboard's /ui-api answer it: Trigger.dev's QueueItem, dates as ISO strings. */
export interface QueueItemWire {
  id: string;
  name: string;
  type: "task" | "custom";
  running: number;
  queued: number;
  paused: boolean;
  concurrencyLimit: number | null;
  concurrency: {
    current: number | null;
    base: number | null;
    override: number | null;
    overriddenAt: string | null;
    overriddenBy: string | null;
  };
  /** Stint's dispatcher settings and the queue's share per concurrency key (not in Trigger.dev's answer). */
  scheduling?: QueueSchedulingWire;
}

/** A rate limit: `limit` runs start per `period` ("1s", "1m", "1h"…), up to `burst` back to back. */
export interface RateLimitWire {
  limit: number;
  period: string;
  burst?: number;
}

export interface QueueSchedulingWire {
  /** Each concurrency key's cap; set, the queue's limit caps its keys together (null: each key gets the queue's). */
  concurrencyLimitPerKey: number | null;
  rateLimit: RateLimitWire | null;
  rateLimitPerKey: RateLimitWire | null;
  /** Runs holding a slot and waiting per concurrency key ("" for none), busiest first (at most 50). */
  keys: { concurrencyKey: string; running: number; waiting: number }[];
}

export interface RunRecord {
  id: string;
  taskIdentifier: string;
  status: RunStatus;
  payload: unknown;
  output?: unknown;
  error?: SerializedError;
  tags: string[];
  metadata: Record<string, unknown>;
  idempotencyKey?: string;
  isTest: boolean;
  createdAt: string;
  updatedAt: string;
  startedAt?: string;
  finishedAt?: string;
  delayedUntil?: string;
  expiredAt?: string;
  ttl?: string | number;
  attemptCount: number;
  depth: number;
  triggerFunction: TriggerFunction;
  batchId?: string;
  parentRunId?: string;
  rootRunId?: string;
  durationMs: number;
  version?: string;
  queue: string;
  concurrencyKey?: string;
  machine?: string;
  environment: string;
  /** Why a QUEUED run is not starting yet (no `stint dev` session has its task, …). */
  statusReason?: string;
}

export interface ListRunsFilter {
  status?: RunStatus | RunStatus[];
  taskIdentifier?: string | string[];
  tag?: string | string[];
  batch?: string;
  /** Runs a schedule's firings started. */
  schedule?: string;
  from?: Date | string;
  to?: Date | string;
  limit?: number;
  after?: string;
}

export interface ListRunsPage {
  data: RunRecord[];
  nextCursor?: string;
}

export interface ListTokensFilter {
  status?: ("WAITING" | "COMPLETED" | "TIMED_OUT")[];
  tags?: string[];
  idempotencyKey?: string;
  from?: Date | string;
  to?: Date | string;
  limit?: number;
  after?: string;
}

/** Triggering and management from outside a run (a backend, a script, the webapp). */
export interface ClientRuntime {
  trigger(item: BatchItemWire): Promise<RunHandleWire>;
  batchTrigger(items: BatchItemWire[], options?: { idempotencyKey?: string }): Promise<BatchHandleWire>;
  retrieveRun(runId: string): Promise<RunRecord>;
  listRuns(filter?: ListRunsFilter): Promise<ListRunsPage>;
  cancelRun(runId: string): Promise<{ id: string }>;
  replayRun(runId: string): Promise<{ id: string }>;
  rescheduleRun(runId: string, delay: string): Promise<RunRecord>;
  updateMetadata(runId: string, operations: MetadataOperation[]): Promise<Record<string, unknown>>;
  addTags(runId: string, tags: string[]): Promise<void>;
  createToken(options: TokenOptionsWire): Promise<TokenWire>;
  completeToken(tokenId: string, data: unknown): Promise<{ success: true }>;
  retrieveToken(tokenId: string): Promise<TokenState>;
  listTokens(filter?: ListTokensFilter): Promise<{ data: TokenState[]; nextCursor?: string }>;
  resetIdempotencyKey(taskIdentifier: string, idempotencyKey: string): Promise<{ id: string }>;
  retrieveBatch(batchId: string): Promise<{ id: string; runCount: number; runs: string[]; status: string }>;
}
