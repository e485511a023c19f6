/**
 * The webapp's run index (for the dashboard's lists and filters): rows written when the API triggers runs, then
 * kept in step with the engine by the run-index sync. Temporal stays the source of truth for a run's state.
 */
import type { BatchItemWire } from "@stint/sdk/runtime";
import type { AuthenticatedEnvironment } from "../auth/authenticate.js";
import type { Database } from "../database/prisma-client.js";

export async function recordTriggeredRuns(
  db: Database,
  env: AuthenticatedEnvironment,
  runs: { id: string; item: BatchItemWire; batchId?: string }[],
): Promise<void> {
  const now = new Date();
  await db.taskRun.createMany({
    skipDuplicates: true,
    data: runs.map(({ id, item, batchId }) => ({
      id,
      environmentId: env.id,
      taskIdentifier: item.task,
      status: item.options?.delay || item.options?.debounce ? "DELAYED" : "QUEUED",
      tags: item.options?.tags ? [item.options.tags].flat() : [],
      isTest: item.options?.test ?? false,
      batchId,
      idempotencyKey: typeof item.options?.idempotencyKey === "string" ? item.options.idempotencyKey : undefined,
      machine: item.options?.machine,
      createdAt: now,
      updatedAt: now,
    })),
  });
}

export async function recordBatch(
  db: Database,
  env: AuthenticatedEnvironment,
  batchId: string,
  runIds: string[],
  sealed: boolean,
  idempotencyKey?: string,
): Promise<void> {
  await db.batchTaskRun.upsert({
    where: { id: batchId },
    create: {
      id: batchId,
      environmentId: env.id,
      runCount: runIds.length,
      runIds,
      sealed,
      status: sealed ? "PROCESSING" : "PENDING",
      idempotencyKey,
    },
    update: { runIds, sealed },
  });
}
