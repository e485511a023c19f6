/** Engine run records in the shapes of Trigger.dev's run API (retrieve and list). */
import { isFailedStatus, isFinalStatus } from "@stint/sdk/core";
import type { RunRecord, RunStatus } from "@stint/sdk/runtime";

const QUEUED: RunStatus[] = ["QUEUED", "PENDING_VERSION", "DELAYED"] as RunStatus[];
const EXECUTING: RunStatus[] = ["EXECUTING", "DEQUEUED"] as RunStatus[];

export function statusFlags(status: RunStatus) {
  return {
    isQueued: QUEUED.includes(status),
    isExecuting: EXECUTING.includes(status),
    isWaiting: status === "WAITING",
    // Unlike Trigger.dev, EXPIRED and TIMED_OUT count as completed, so `runs.poll` stops on them.
    isCompleted: isFinalStatus(status),
    isSuccess: status === "COMPLETED",
    isFailed: isFailedStatus(status),
    isCancelled: status === "CANCELED",
  };
}

export function commonRunFields(run: RunRecord) {
  return {
    id: run.id,
    status: run.status,
    taskIdentifier: run.taskIdentifier,
    idempotencyKey: run.idempotencyKey,
    version: run.version,
    ...statusFlags(run.status),
    isTest: run.isTest,
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    delayedUntil: run.delayedUntil,
    ttl: run.ttl === undefined ? undefined : String(run.ttl),
    expiredAt: run.expiredAt,
    tags: run.tags,
    costInCents: 0,
    baseCostInCents: 0,
    durationMs: run.durationMs,
    metadata: run.metadata,
    // Not in Trigger.dev's shape: why a QUEUED run is not starting (no dev session has its task, …).
    statusReason: run.statusReason,
  };
}

export function relatedRunFields(run: RunRecord) {
  return { ...commonRunFields(run), depth: run.depth, triggerFunction: run.triggerFunction, batchId: run.batchId };
}

/**
 * `urls`: presigned download URLs of a payload or output stored by reference; the SDK fetches them in place of the
 * inline value (Trigger.dev answers so for values over 512 KB).
 */
export function presentRetrievedRun(
  run: RunRecord,
  related: { parent?: RunRecord; root?: RunRecord; children?: RunRecord[] },
  urls: { payloadPresignedUrl?: string; outputPresignedUrl?: string } = {},
) {
  return {
    ...relatedRunFields(run),
    payload: urls.payloadPresignedUrl ? undefined : run.payload,
    payloadPresignedUrl: urls.payloadPresignedUrl,
    output: urls.outputPresignedUrl ? undefined : run.output,
    outputPresignedUrl: urls.outputPresignedUrl,
    error: run.error && { name: run.error.name, message: run.error.message, stackTrace: run.error.stack },
    relatedRuns: {
      parent: related.parent && relatedRunFields(related.parent),
      root: related.root && relatedRunFields(related.root),
      children: (related.children ?? []).map(relatedRunFields),
    },
    attemptCount: run.attemptCount,
  };
}

export function presentListedRun(run: RunRecord, env: { id: string; slug: string }) {
  return { ...commonRunFields(run), env: { id: env.id, name: env.slug } };
}
