/** Starts a run under an idempotency key, or returns the run the key already points to (update-with-start). */
import { WithStartWorkflowOperation, type Client } from "@temporalio/client";
import { claimKeyUpdate } from "../shared/messages.js";
import { keyWorkflowId, type ClaimKeyResult } from "../shared/idempotency.js";
import type { RunWorkflowInput } from "../shared/run-types.js";
import type { IdempotencyKeyWorkflowInput } from "../shared/idempotency.js";

export const IDEMPOTENCY_KEY_WORKFLOW_TYPE = "idempotencyKeyWorkflow";

export async function claimIdempotentRun(
  client: Client,
  workflowTaskQueue: string,
  run: RunWorkflowInput,
  ttlMs: number,
): Promise<ClaimKeyResult> {
  const key = run.item.options!.idempotencyKey!;
  const keyInput: IdempotencyKeyWorkflowInput = { key, taskId: run.item.task, environment: run.environment.slug };
  return client.workflow.executeUpdateWithStart(claimKeyUpdate, {
    args: [{ run, ttlMs }],
    startWorkflowOperation: new WithStartWorkflowOperation(IDEMPOTENCY_KEY_WORKFLOW_TYPE, {
      workflowId: keyWorkflowId(run.environment.slug, run.item.task, key),
      taskQueue: workflowTaskQueue,
      args: [keyInput],
      workflowIdConflictPolicy: "USE_EXISTING",
    }),
  });
}
