/** Builds a run's workflow input and start options from a trigger item (pure: used by client and workflow). */
import { parseDurationMs, resolveDate } from "@stint/sdk/core";
import type { BatchItemWire, TriggerFunction } from "@stint/sdk/runtime";
import type { EngineSettings, EnvironmentRef, RunWorkflowInput } from "./run-types.js";
import { SA } from "./search-attributes.js";
import type { SearchAttributePair } from "@temporalio/common";

export interface RunPlacement {
  environment: EnvironmentRef;
  attemptQueue: string;
  settings: EngineSettings;
  parentRunId?: string;
  rootRunId?: string;
  depth: number;
  batchId?: string;
  triggerFunction: TriggerFunction;
  replayedFrom?: string;
}

export function buildRunInput(runId: string, item: BatchItemWire, placement: RunPlacement, now: number): RunWorkflowInput {
  const options = item.options ?? {};
  const ttl = options.ttl;
  return {
    runId,
    item,
    environment: placement.environment,
    attemptQueue: placement.attemptQueue,
    createdAt: new Date(now).toISOString(),
    delayUntil: options.delay ? resolveDate(options.delay, "delay", now).toISOString() : undefined,
    ttlMs: ttl === undefined || ttl === 0 || ttl === "0" ? undefined : parseDurationMs(ttl, "ttl"),
    parentRunId: placement.parentRunId,
    rootRunId: placement.rootRunId,
    depth: placement.depth,
    batchId: placement.batchId,
    triggerFunction: placement.triggerFunction,
    settings: placement.settings,
    replayedFrom: placement.replayedFrom,
  };
}

export function runSearchAttributes(input: RunWorkflowInput, status: string): SearchAttributePair[] {
  const pairs: SearchAttributePair[] = [
    { key: SA.taskId, value: input.item.task },
    { key: SA.environment, value: input.environment.slug },
    { key: SA.status, value: status },
  ];
  const tags = input.item.options?.tags ?? [];
  if (tags.length > 0) pairs.push({ key: SA.tags, value: tags });
  if (input.batchId) pairs.push({ key: SA.batchId, value: input.batchId });
  if (input.parentRunId) pairs.push({ key: SA.parentRunId, value: input.parentRunId });
  if (input.rootRunId) pairs.push({ key: SA.rootRunId, value: input.rootRunId });
  if (input.item.options?.idempotencyKey) pairs.push({ key: SA.idempotencyKey, value: input.item.options.idempotencyKey });
  return pairs;
}

export function runMemo(input: RunWorkflowInput): Record<string, unknown> {
  return { task: input.item.task, environment: input.environment.slug, createdAt: input.createdAt };
}

/** `run_` + 24 lowercase alphanumerics, from a uuid (workflow-safe when the uuid comes from wf.uuid4()). */
export function runIdFromUuid(uuid: string, prefix = "run_"): string {
  return prefix + uuid.replace(/-/g, "").slice(0, 24);
}
