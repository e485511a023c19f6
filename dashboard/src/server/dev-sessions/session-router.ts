/**
 * Where the engine sends an execution of a development run: the attempt queue of the newest live `stint dev` session
 * that registered the run's task. A session is live until it ends or misses its heartbeats for SESSION_LIVENESS_MS.
 * With none, the run waits QUEUED and this says why (the run page and runs.retrieve show it).
 */
import type { AttemptRoute, AttemptRouteRequest, AttemptRouter } from "@stint/temporal-workers";
import { sqlPool, type Database } from "../database/prisma-client.js";

/** Sessions heartbeat every 10 s: three missed beats and a session gets no more runs. */
export const SESSION_LIVENESS_MS = 30_000;

export function liveSessionsOf(environmentId: string) {
  return { environmentId, endedAt: null, lastHeartbeat: { gt: new Date(Date.now() - SESSION_LIVENESS_MS) } };
}

export function noSessionReason(taskIdentifier: string, live: { tasks: string[] }[]): string {
  const waits = `the run starts when a \`stint dev\` session that registers "${taskIdentifier}" connects`;
  if (live.length === 0) return `No stint dev session is connected to this environment: ${waits}.`;
  const served = [...new Set(live.flatMap((s) => s.tasks))].sort();
  const shown = served.slice(0, 10).join(", ") + (served.length > 10 ? `, … (${served.length} in all)` : "");
  const sessions =
    live.length === 1
      ? "The stint dev session connected to this environment does not serve"
      : `None of the ${live.length} stint dev sessions connected to this environment serve`;
  return `${sessions} task "${taskIdentifier}" (${live.length === 1 ? "it serves" : "they serve"}: ${shown}): ${waits}.`;
}

export class DevSessionRouter implements AttemptRouter {
  constructor(private readonly db: Database) {}

  /** Asked for every execution of a development run: on the pool under Prisma (see sqlPool). */
  async route(request: AttemptRouteRequest): Promise<AttemptRoute> {
    const { rows: live } = await sqlPool(this.db).query<{ id: string; tasks: string[]; taskQueue: string }>(
      `SELECT "id", "tasks", "taskQueue" FROM "DevSession"
       WHERE "environmentId" = $1 AND "endedAt" IS NULL AND "lastHeartbeat" > ($2::timestamptz AT TIME ZONE 'UTC')
       ORDER BY "createdAt" DESC`,
      // Prisma keeps DateTime columns as UTC wall time (timestamp without time zone).
      [request.environmentId, new Date(Date.now() - SESSION_LIVENESS_MS).toISOString()],
    );
    const serving = live.find((session) => session.tasks.includes(request.taskIdentifier));
    if (serving) return { taskQueue: serving.taskQueue, sessionId: serving.id };
    return { reason: noSessionReason(request.taskIdentifier, live) };
  }
}
