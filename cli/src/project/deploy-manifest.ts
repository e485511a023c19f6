/**
 * The manifest `stint deploy` registers with the webapp: what a runner found when it loaded the build (tasks with
 * their queue, retry, machine, maxDuration and schedule; declared queues), in the shape of Trigger.dev's
 * BackgroundWorkerMetadata. A project the webapp must not take — a task file that threw, a task id defined twice,
 * no tasks — is refused here, before anything is uploaded.
 */
import type { BundleManifest } from "@stint/temporal-workers";
import type { DeployManifest } from "./deploy-manifest-shape.js";
import { defaultQueueName } from "@stint/sdk/core";

export type { DeployManifest } from "./deploy-manifest-shape.js";

/** Problems that keep a build from being deployed, one line each (empty: deployable). */
export function deployProblems(manifest: BundleManifest): string[] {
  const problems: string[] = [];
  for (const clash of manifest.taskIdClashes ?? []) {
    problems.push(
      `task id "${clash.id}" is defined more than once (${clash.files.join(", ")}): task ids must be unique in a project`,
    );
  }
  for (const entry of manifest.loadErrors ?? [])
    problems.push(`${entry.file} threw while loading: ${entry.error.name}: ${entry.error.message}`);
  if (manifest.tasks.length === 0 && problems.length === 0) problems.push("the project defines no tasks");
  return problems;
}

export function deployManifestOf(
  manifest: BundleManifest,
  versions: { packageVersion: string; cliPackageVersion: string },
): DeployManifest {
  const queueLimit = new Map(manifest.queues.map((queue) => [queue.name, queue.concurrencyLimit]));
  return {
    ...versions,
    contentHash: manifest.version,
    runtime: "node",
    runtimeVersion: process.versions.node,
    tasks: [...manifest.tasks]
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((task) => {
        const queue = task.queue ?? defaultQueueName(task.id);
        return {
          id: task.id,
          filePath: task.filePath,
          ...(task.exportName ? { exportName: task.exportName } : {}),
          queue: { name: queue, concurrencyLimit: queueLimit.get(queue) ?? null },
          retry: task.retry,
          ...(task.machine ? { machine: { preset: task.machine } } : {}),
          ...(task.maxDuration !== undefined ? { maxDuration: task.maxDuration } : {}),
          ...(task.schedule ? { schedule: task.schedule } : {}),
        };
      }),
    queues: manifest.queues,
    ...(manifest.maxDuration !== undefined ? { maxDuration: manifest.maxDuration } : {}),
    ...(manifest.network ? { network: manifest.network } : {}),
  };
}
