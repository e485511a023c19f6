/** Builds a run's workflow input and start options from a trigger item (pure: used by client and workflow). */
import { defaultQueueName, parseDebounceDurationMs, parseDurationMs, resolveDate } from "@stint/sdk/core";
import type { BatchItemWire, TriggerFunction } from "@stint/sdk/runtime";
import type { EngineSettings, EnvironmentRef, RunWorkflowInput } from "./run-types.js";
import { SA } from "./search-attributes.js";
import type { SearchAttributePair } from "@temporalio/common";

/**
 * The run workflow's revision for runs started now. Runs of revision 2 take the new branch of every `patched()` that
 * existed when it was introduced without recording markers (a marker and the SDK's TemporalChangeVersion upsert each:
 * six events a run), ask for routing and admission in one local activity, upsert their status once per workflow
 * task and give their lease back at the end without a local activity. Runs without one replay as recorded.
 */
export const RUN_WORKFLOW_REVISION = 2;

/** The patches whose new branch runs of revision 2 and later take without checking (and so without a marker). */
export const REVISION_2_PATCHES = [
  "stint-dispatcher",
  "stint-queue-gate",
  "stint-updated-at",
  "stint-canceled-status",
  "stint-repeated-waitpoint",
] as const;

/** Stands for the task id in an attempt queue name: `dev.env_1.{task}` gives each task its own queue. */
export const TASK_PLACEHOLDER = "{task}";

/** A run's Trigger queue: its `queue` option, else its task's own (`task/<id>`). */
export function runQueueName(item: BatchItemWire): string {
  return item.options?.queue ?? defaultQueueName(item.task);
}

/** The task queue a run's attempts go to: its placement's queue, with the task id put in for `{task}`. */
export function resolveAttemptQueue(attemptQueue: string, taskIdentifier: string): string {
  return attemptQueue.split(TASK_PLACEHOLDER).join(taskIdentifier);
}

export interface RunPlacement {
  environment: EnvironmentRef;
  /** Attempt queue (or template with `{task}`); children inherit it, so they resolve it for their own task. */
  attemptQueue: string;
  settings: EngineSettings;
  parentRunId?: string;
  rootRunId?: string;
  depth: number;
  batchId?: string;
  triggerFunction: TriggerFunction;
  replayedFrom?: string;
  /**
   * The version the run is locked to when its trigger names none: in a deployed environment, its parent's (a run
   * triggered by task code runs the code its parent runs) or, for a schedule's firing, the version current when it fired.
   */
  version?: string;
  /** The schedule whose firing starts the run (not handed down to the runs it triggers). */
  scheduleId?: string;
}

export function buildRunInput(
  runId: string,
  triggered: BatchItemWire,
  placement: RunPlacement,
  now: number,
): RunWorkflowInput {
  const item =
    placement.version && !triggered.options?.version
      ? { ...triggered, options: { ...triggered.options, version: placement.version } }
      : triggered;
  const options = item.options ?? {};
  const ttl = options.ttl;
  // A debounced run waits its debounce delay unless the trigger gives a delay of its own (Trigger.dev's rule).
  const delayUntil = options.delay
    ? resolveDate(options.delay, "delay", now)
    : options.debounce
      ? new Date(now + parseDebounceDurationMs(options.debounce.delay))
      : undefined;
  return {
    runId,
    item,
    environment: placement.environment,
    attemptQueue: placement.attemptQueue,
    createdAt: new Date(now).toISOString(),
    delayUntil: delayUntil?.toISOString(),
    ttlMs: ttl === undefined || ttl === 0 || ttl === "0" ? undefined : parseDurationMs(ttl, "ttl"),
    parentRunId: placement.parentRunId,
    rootRunId: placement.rootRunId,
    depth: placement.depth,
    batchId: placement.batchId,
    scheduleId: placement.scheduleId,
    triggerFunction: placement.triggerFunction,
    settings: placement.settings,
    replayedFrom: placement.replayedFrom,
    revision: RUN_WORKFLOW_REVISION,
  };
}

export function runSearchAttributes(input: RunWorkflowInput, status: string): SearchAttributePair[] {
  const pairs: SearchAttributePair[] = [
    { key: SA.taskId, value: input.item.task },
    { key: SA.environment, value: input.environment.slug },
    { key: SA.status, value: status },
    { key: SA.updatedAt, value: new Date(input.createdAt) },
  ];
  const tags = input.item.options?.tags ?? [];
  if (tags.length > 0) pairs.push({ key: SA.tags, value: tags });
  if (input.batchId) pairs.push({ key: SA.batchId, value: input.batchId });
  if (input.scheduleId) pairs.push({ key: SA.scheduleId, value: input.scheduleId });
  if (input.parentRunId) pairs.push({ key: SA.parentRunId, value: input.parentRunId });
  if (input.rootRunId) pairs.push({ key: SA.rootRunId, value: input.rootRunId });
  if (input.item.options?.idempotencyKey)
    pairs.push({ key: SA.idempotencyKey, value: input.item.options.idempotencyKey });
  return pairs;
}

export function runMemo(input: RunWorkflowInput): Record<string, unknown> {
  return { task: input.item.task, environment: input.environment.slug, createdAt: input.createdAt };
}

/** `run_` + 24 lowercase alphanumerics, from a uuid (workflow-safe when the uuid comes from wf.uuid4()). */
export function runIdFromUuid(uuid: string, prefix = "run_"): string {
  return prefix + uuid.replace(/-/g, "").slice(0, 24);
}
