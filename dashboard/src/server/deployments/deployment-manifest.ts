/**
 * What `stint deploy` says a version holds, indexed by loading its bundle the way `stint dev` registers tasks. The
 * shape follows Trigger.dev's `BackgroundWorkerMetadata` (tasks as `TaskResource`s), with Stint's queue entries
 * (type and tasks, as dev sessions declare them).
 */
import { z } from "zod";

export const MACHINE_PRESETS = [
  "micro",
  "small-1x",
  "small-2x",
  "medium-1x",
  "medium-2x",
  "large-1x",
  "large-2x",
] as const;

const taskId = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.:\/-]{0,127}$/,
    'a task id: letters, digits, "-", "_", ".", ":" or "/" (at most 128)',
  );
const queueName = z.string().min(1, "a queue name cannot be empty").max(200, "queue names are at most 200 characters");
const limit = z.number().int().min(0).max(100_000);

export const manifestTaskSchema = z.object({
  id: taskId,
  filePath: z.string().max(1_000),
  exportName: z.string().max(200).optional(),
  queue: z.object({ name: queueName, concurrencyLimit: limit.nullable().optional() }),
  retry: z
    .object({
      maxAttempts: z.number().int().min(0).max(1_000).optional(),
      factor: z.number().optional(),
      minTimeoutInMs: z.number().optional(),
      maxTimeoutInMs: z.number().optional(),
      randomize: z.boolean().optional(),
      outOfMemory: z.object({ machine: z.enum(MACHINE_PRESETS).optional() }).optional(),
    })
    .optional(),
  machine: z.object({ preset: z.enum(MACHINE_PRESETS) }).optional(),
  maxDuration: z.number().positive().optional(),
  schedule: z.object({ cron: z.string().min(1).max(200), timezone: z.string().max(100).optional() }).optional(),
});

export const manifestQueueSchema = z.object({
  name: queueName,
  type: z.enum(["task", "custom"]),
  concurrencyLimit: limit.nullable(),
  tasks: z.array(taskId).max(1_000).default([]),
});

export const deploymentManifestSchema = z
  .object({
    /** The Stint SDK the bundle was built with. */
    packageVersion: z.string().max(64),
    cliPackageVersion: z.string().max(64).optional(),
    contentHash: z.string().min(1).max(128),
    runtime: z.string().max(32).default("node"),
    runtimeVersion: z.string().max(32).optional(),
    tasks: z
      .array(manifestTaskSchema)
      .min(1, "a deployment needs at least one task")
      .max(1_000, "at most 1000 tasks per deployment"),
    queues: z.array(manifestQueueSchema).max(1_000).default([]),
    /** The config's maxDuration (seconds): the default for tasks without their own. */
    maxDuration: z.number().positive().optional(),
    /** The config's network for the version's containers on worker servers (absent: none). */
    network: z.enum(["none", "host"], { message: 'network: "none" or "host"' }).optional(),
  })
  .superRefine((manifest, ctx) => {
    const seen = new Set<string>();
    manifest.tasks.forEach((task, index) => {
      if (seen.has(task.id))
        ctx.addIssue({
          code: "custom",
          path: ["tasks", index, "id"],
          message: `task id "${task.id}" is defined more than once; task ids must be unique`,
        });
      seen.add(task.id);
    });
  });

export type DeploymentManifest = z.infer<typeof deploymentManifestSchema>;
export type ManifestTask = z.infer<typeof manifestTaskSchema>;

/** The schedules a manifest declares (schedules.task({ cron })). */
export function declaredSchedules(
  manifest: DeploymentManifest,
): Array<{ task: string; cron: string; timezone?: string }> {
  return manifest.tasks.flatMap((task) =>
    task.schedule ? [{ task: task.id, cron: task.schedule.cron, timezone: task.schedule.timezone }] : [],
  );
}
