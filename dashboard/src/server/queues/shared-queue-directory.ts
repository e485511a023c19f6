/**
 * Which shared queue a task's runs go to when a trigger names none. Workers declare it (a task defined with
 * `queue: sharedQueue`); the REST API has no task code, so the engines ask here. Cached per environment.
 */
import type { Database } from "../database/prisma-client.js";

export class SharedQueueDirectory {
  private readonly byEnvironment = new Map<string, Promise<Map<string, string>>>();

  constructor(private readonly db: Database) {}

  async queueOfTask(environmentId: string, taskId: string): Promise<string | undefined> {
    let loading = this.byEnvironment.get(environmentId);
    if (!loading) {
      loading = this.db.taskQueue
        .findMany({ where: { environmentId, type: "custom" }, select: { name: true, tasks: true } })
        .then((rows) => new Map(rows.flatMap((row) => row.tasks.map((task) => [task, row.name] as const))));
      loading.catch(() => this.byEnvironment.delete(environmentId));
      this.byEnvironment.set(environmentId, loading);
    }
    return (await loading).get(taskId);
  }

  /** A worker declared new queues: read them again on next use. */
  forget(environmentId: string): void {
    this.byEnvironment.delete(environmentId);
  }
}
