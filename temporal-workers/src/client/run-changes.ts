/**
 * Runs whose state changed since a time, read from Temporal's visibility (the StintUpdatedAt search attribute every
 * status change writes): what the webapp's run index follows, child runs started inside tasks included.
 */
import type { Client } from "@temporalio/client";
import type { RunStatus } from "@stint/sdk/runtime";
import { RUN_WORKFLOW_TYPE, SA } from "../shared/search-attributes.js";
import { runStatusOfExecution } from "./list-runs.js";

export interface RunChange {
  runId: string;
  environmentId: string;
  taskIdentifier: string;
  status: RunStatus;
  tags: string[];
  batchId?: string;
  parentRunId?: string;
  rootRunId?: string;
  createdAt: Date;
  /** When the engine last wrote the run's state. */
  updatedAt: Date;
  finishedAt?: Date;
}

/** Every run updated at or after `since`, in visibility's order (not sorted); runs without an environment are skipped. */
export async function* listRunChanges(client: Client, since: Date, pageSize = 500): AsyncGenerator<RunChange> {
  const query = `WorkflowType = '${RUN_WORKFLOW_TYPE}' AND ${SA.updatedAt.name} >= '${since.toISOString()}'`;
  for await (const execution of client.workflow.list({ query, pageSize })) {
    const attributes = execution.typedSearchAttributes;
    const environmentId = attributes.get(SA.environment);
    if (!environmentId) continue;
    const memo = (execution.memo ?? {}) as { createdAt?: unknown };
    const createdAt = typeof memo.createdAt === "string" ? new Date(memo.createdAt) : execution.startTime;
    yield {
      runId: execution.workflowId,
      environmentId,
      taskIdentifier: String(attributes.get(SA.taskId) ?? ""),
      status: runStatusOfExecution(execution),
      tags: (attributes.get(SA.tags) as string[] | undefined) ?? [],
      batchId: attributes.get(SA.batchId) ?? undefined,
      parentRunId: attributes.get(SA.parentRunId) ?? undefined,
      rootRunId: attributes.get(SA.rootRunId) ?? undefined,
      createdAt: Number.isNaN(createdAt.getTime()) ? execution.startTime : createdAt,
      updatedAt: attributes.get(SA.updatedAt) ?? execution.startTime,
      finishedAt: execution.closeTime ?? undefined,
    };
  }
}
