/** A trigger with a debounce key: pushes back the key's delayed run, or starts `run` (update-with-start on the key). */
import { createHash } from "node:crypto";
import { WithStartWorkflowOperation, WorkflowUpdateFailedError, type Client } from "@temporalio/client";
import { debounceClaimUpdate, debounceRunUpdate, runStateQuery } from "../shared/messages.js";
import {
  DEBOUNCE_KEY_WORKFLOW_TYPE,
  MAX_READABLE_KEY_BYTES,
  debounceKeyWorkflowId,
  type DebounceClaimResult,
  type DebouncePush,
} from "../shared/debounce.js";
import type { RunWorkflowInput } from "../shared/run-types.js";
import type { DebounceKeyWorkflowInput } from "../shared/debounce.js";
import { isNotFound } from "./temporal-errors.js";

/** The key as its workflow id names it: as given when short, else by its hash (so ids stay within Temporal's limit). */
export function debounceKeyName(key: string): string {
  if (Buffer.byteLength(key) <= MAX_READABLE_KEY_BYTES && !key.startsWith("sha256:")) return key;
  return `sha256:${createHash("sha256").update(key).digest("hex")}`;
}

export async function claimDebouncedRun(
  client: Client,
  workflowTaskQueue: string,
  run: RunWorkflowInput,
): Promise<DebounceClaimResult> {
  const key = run.item.options!.debounce!.key;
  const keyInput: DebounceKeyWorkflowInput = { key, taskId: run.item.task, environment: run.environment.slug };
  return client.workflow.executeUpdateWithStart(debounceClaimUpdate, {
    args: [{ run }],
    startWorkflowOperation: new WithStartWorkflowOperation(DEBOUNCE_KEY_WORKFLOW_TYPE, {
      workflowId: debounceKeyWorkflowId(run.environment.slug, run.item.task, debounceKeyName(key)),
      taskQueue: workflowTaskQueue,
      args: [keyInput],
      workflowIdConflictPolicy: "USE_EXISTING",
    }),
  });
}

/** The key workflow's push to its run: a run that refuses it (started, past maxDelay) or is gone answers `pushed: false`. */
export async function pushDebouncedRun(
  client: Client,
  runId: string,
  push: DebouncePush,
): Promise<{ pushed: true; delayUntil: string } | { pushed: false; reason: string }> {
  try {
    const { delayUntil } = await client.workflow.getHandle(runId).executeUpdate(debounceRunUpdate, { args: [push] });
    return { pushed: true, delayUntil };
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError)
      return { pushed: false, reason: (error.cause as Error | undefined)?.message ?? error.message };
    if (isNotFound(error) || /already completed/i.test((error as Error).message))
      return { pushed: false, reason: `run ${runId} has closed` };
    // Temporal's cap on updates per execution (2,000 by default): this run takes no more triggers.
    if (/limit on (the )?(total )?number of (distinct |total )?updates/i.test((error as Error).message))
      return { pushed: false, reason: (error as Error).message };
    throw error;
  }
}

export async function delayedUntil(client: Client, runId: string): Promise<string | null> {
  try {
    const state = await client.workflow.getHandle(runId).query(runStateQuery);
    return state.status === "DELAYED" ? (state.delayedUntil ?? null) : null;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}
