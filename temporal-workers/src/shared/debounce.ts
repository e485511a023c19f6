/**
 * Debounce: one key workflow per (environment, task, key) points to the key's delayed run. A trigger on the key
 * pushes that run back (a `stint.debounce` update on the run) or, once the run has started or would pass its
 * maxDelay, starts the trigger's own run, which the key then points to. Pure: used by client and workflow code.
 */
import { parseDebounceDurationMs } from "@stint/sdk/core";
import type { BatchItemWire } from "@stint/sdk/runtime";
import type { RunWorkflowInput } from "./run-types.js";

export const DEBOUNCE_KEY_WORKFLOW_TYPE = "debounceKeyWorkflow";

/** Workflow ids are bounded (1,000 bytes): a long or unusual key is named by its hash, computed by the caller. */
export const MAX_READABLE_KEY_BYTES = 200;

export function debounceKeyWorkflowId(environment: string, taskId: string, keyName: string): string {
  return `debounce_${environment}_${taskId}_${keyName}`;
}

/** What a trailing-mode trigger replaces in the run it pushes back (Trigger.dev's list). */
export interface TrailingFields {
  payload: unknown;
  metadata?: Record<string, unknown>;
  tags?: string[];
  maxAttempts?: number;
  maxDuration?: number;
  machine?: string;
}

/** A trigger's request to push a delayed run back, as the run's `stint.debounce` update takes it. */
export interface DebouncePush {
  delayUntil: string;
  /** From the run's creation (its first trigger): a push past it is refused and the trigger starts a new run. */
  maxDelayMs?: number;
  trailing?: TrailingFields;
}

export interface DebounceClaimResult {
  runId: string;
  /** True when the trigger pushed an existing delayed run back instead of starting its own. */
  debounced: boolean;
}

/** The push a trigger (`run`, the run it would start) asks of the key's delayed run, timed from the trigger. */
export function debouncePushFor(run: RunWorkflowInput): DebouncePush {
  const debounce = run.item.options!.debounce!;
  const triggeredAt = Date.parse(run.createdAt);
  return {
    delayUntil: new Date(triggeredAt + parseDebounceDurationMs(debounce.delay)).toISOString(),
    maxDelayMs:
      debounce.maxDelay === undefined ? undefined : parseDebounceDurationMs(debounce.maxDelay, "debounce.maxDelay"),
    trailing: debounce.mode === "trailing" ? trailingFieldsOf(run.item) : undefined,
  };
}

function trailingFieldsOf(item: BatchItemWire): TrailingFields {
  const options = item.options ?? {};
  const fields: TrailingFields = { payload: item.payload };
  if (options.metadata !== undefined) fields.metadata = options.metadata;
  if (options.tags !== undefined) fields.tags = options.tags;
  if (options.maxAttempts !== undefined) fields.maxAttempts = options.maxAttempts;
  if (options.maxDuration !== undefined) fields.maxDuration = options.maxDuration;
  if (options.machine !== undefined) fields.machine = options.machine;
  return fields;
}

/** Why a delayed run refused a push, or undefined if it takes it. */
export function debouncePushRefusal(status: string, createdAt: string, push: DebouncePush): string | undefined {
  if (status !== "DELAYED") return `the run is ${status}; a started run is never pushed back`;
  if (push.maxDelayMs !== undefined && Date.parse(push.delayUntil) > Date.parse(createdAt) + push.maxDelayMs) {
    return `pushing the run to ${push.delayUntil} would pass its maxDelay of ${push.maxDelayMs} ms from its first trigger`;
  }
  return undefined;
}

/** The input of a debounce key's workflow (`debounce_<env>_<task>_<key>`). */
export interface DebounceKeyWorkflowInput {
  key: string;
  taskId: string;
  environment: string;
  /** The delayed run the key points to (carried over a continue-as-new). */
  current?: { runId: string; delayUntil: string };
}
