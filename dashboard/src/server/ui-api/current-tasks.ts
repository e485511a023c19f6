/**
 * The tasks an environment has now, as the Tasks and Test pages show them: those the current deployment holds, or in
 * development those of the newest `stint dev` session and of every live one (as Trigger.dev shows its latest worker's
 * tasks). A task no longer registered is gone, whatever runs it left. Each with the queue its runs go to.
 */
import type { AuthenticatedEnvironment } from "../auth/authenticate.js";
import type { Database } from "../database/prisma-client.js";
import { deploymentManifestSchema } from "../deployments/index.js";
import { liveSessions } from "../dev-sessions/live-sessions.js";
import { defaultQueueName } from "@stint/sdk/core";

export interface CurrentTask {
  /** The queue its runs go to when a trigger names none: its declared `queue`, else its own `task/<id>`. */
  queue: string;
  /** A live session or the current deployment runs it. */
  served: boolean;
}

export async function currentTasks(db: Database, env: AuthenticatedEnvironment): Promise<Map<string, CurrentTask>> {
  const tasks = new Map<string, CurrentTask>();
  if (env.type !== "DEVELOPMENT") {
    const current = await db.currentDeployment.findUnique({
      where: { environmentId: env.id },
      include: { deployment: { select: { manifest: true } } },
    });
    const manifest = deploymentManifestSchema.safeParse(current?.deployment.manifest);
    if (manifest.success)
      for (const task of manifest.data.tasks) tasks.set(task.id, { queue: task.queue.name, served: true });
    return tasks;
  }
  const [newest, live, customQueues] = await Promise.all([
    db.devSession.findFirst({
      where: { environmentId: env.id },
      orderBy: { createdAt: "desc" },
      select: { tasks: true },
    }),
    liveSessions(db, env.id),
    // Runs go to the shared queue a task declares (see SharedQueueDirectory), else to the task's own.
    db.taskQueue.findMany({ where: { environmentId: env.id, type: "custom" }, select: { name: true, tasks: true } }),
  ]);
  const queueOf = new Map(customQueues.flatMap((queue) => queue.tasks.map((task) => [task, queue.name] as const)));
  const served = new Set(live.flatMap((session) => session.tasks));
  for (const task of [...(newest?.tasks ?? []), ...served])
    tasks.set(task, { queue: queueOf.get(task) ?? defaultQueueName(task), served: served.has(task) });
  return tasks;
}
