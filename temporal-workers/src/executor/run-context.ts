/** Builds the `ctx` a task sees from what the run workflow tells the attempt. */
import type { TaskRunContext } from "@stint/sdk/runtime";
import type { AttemptStartInfo } from "../shared/run-types.js";
import { defaultQueueName } from "@stint/sdk/core";

const MACHINES: Record<string, { cpu: number; memory: number }> = {
  micro: { cpu: 0.25, memory: 0.25 },
  "small-1x": { cpu: 0.5, memory: 0.5 },
  "small-2x": { cpu: 1, memory: 1 },
  "medium-1x": { cpu: 1, memory: 2 },
  "medium-2x": { cpu: 2, memory: 4 },
  "large-1x": { cpu: 4, memory: 8 },
  "large-2x": { cpu: 8, memory: 16 },
};

export function buildRunContext(
  info: AttemptStartInfo,
  task: { filePath: string; exportName?: string; machine?: string },
): TaskRunContext {
  const options = info.item.options ?? {};
  const machineName = options.machine ?? task.machine ?? "small-1x";
  const machine = MACHINES[machineName] ?? MACHINES["small-1x"]!;
  return {
    task: { id: info.item.task, filePath: task.filePath, exportName: task.exportName },
    attempt: {
      number: info.attemptNumber,
      startedAt: new Date(),
      id: `attempt_${info.runId.slice(4)}_${info.attemptNumber}`,
    },
    run: {
      id: info.runId,
      tags: [...info.tags],
      isTest: options.test ?? false,
      createdAt: new Date(info.createdAt),
      startedAt: new Date(info.startedAt),
      // The key as the user gave it (Trigger.dev's ctx), else the hash the trigger carried.
      idempotencyKey: options.idempotencyKeyOptions?.key ?? options.idempotencyKey,
      maxAttempts: info.maxAttempts,
      maxDuration: info.maxDurationSeconds,
      durationMs: info.computeMsUsed,
      costInCents: 0,
      baseCostInCents: 0,
      version: info.version ?? options.version,
    },
    queue: { name: options.queue ?? defaultQueueName(info.item.task), id: `queue_${options.queue ?? info.item.task}` },
    environment: { id: info.environment.id, slug: info.environment.slug, type: info.environment.type },
    organization: { id: "org_default", slug: "default", name: "Default" },
    project: {
      id: info.environment.projectRef,
      ref: info.environment.projectRef,
      slug: info.environment.projectRef,
      name: info.environment.projectRef,
    },
    batch: info.batchId ? { id: info.batchId } : undefined,
    machine: { name: machineName, cpu: machine.cpu, memory: machine.memory, centsPerMs: 0 },
    parentRunId: info.parentRunId,
    rootRunId: info.rootRunId,
  };
}
