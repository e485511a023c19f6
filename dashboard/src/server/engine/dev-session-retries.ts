/**
 * Whether runs of a development task retry: as in Trigger.dev, only when the project's config sets
 * `retries.enabledInDev`. The session that registered the task most recently says so when it registers (a task no
 * session has registered yet does not retry). Answers are cached briefly: the run dispatcher asks for every run.
 */
import type { Database } from "../database/prisma-client.js";

const CACHE_MS = 2_000;

export class DevSessionRetries {
  private readonly cache = new Map<string, { enabled: Promise<boolean>; until: number }>();

  constructor(private readonly db: Database) {}

  retriesEnabled(environmentId: string, taskId: string): Promise<boolean> {
    const key = `${environmentId}\u0000${taskId}`;
    const cached = this.cache.get(key);
    if (cached && cached.until > Date.now()) return cached.enabled;
    const enabled = this.db.devSession
      .findFirst({
        where: { environmentId, tasks: { has: taskId } },
        orderBy: { createdAt: "desc" },
        select: { retriesEnabledInDev: true },
      })
      .then((session) => session?.retriesEnabledInDev ?? false);
    enabled.catch(() => this.cache.delete(key));
    this.cache.set(key, { enabled, until: Date.now() + CACHE_MS });
    return enabled;
  }
}
