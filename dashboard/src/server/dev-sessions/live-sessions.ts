/**
 * Which `stint dev` sessions are live: not ended, and heard from within SESSION_LIVENESS_MS. The one definition of
 * it, for routing runs (asked for every execution of a development run, so on the pool under Prisma: see sqlPool),
 * the clashes between sessions and the tasks the dashboard shows as served.
 */
import { sqlPool, type Database } from "../database/prisma-client.js";

/** Sessions heartbeat every 10 s: three missed beats and a session gets no more runs. */
export const SESSION_LIVENESS_MS = 30_000;

export interface LiveSession {
  id: string;
  tasks: string[];
  taskVersions: unknown;
  label: string | null;
  createdAt: Date;
  taskQueue: string;
}

/** The environment's live sessions, newest first. */
export async function liveSessions(db: Database, environmentId: string): Promise<LiveSession[]> {
  // Prisma keeps DateTime columns as UTC wall time (timestamp without time zone): compared and read back as UTC.
  const { rows } = await sqlPool(db).query<LiveSession>(
    `SELECT "id", "tasks", "taskVersions", "label", "taskQueue", "createdAt" AT TIME ZONE 'UTC' AS "createdAt"
     FROM "DevSession"
     WHERE "environmentId" = $1 AND "endedAt" IS NULL AND "lastHeartbeat" > ($2::timestamptz AT TIME ZONE 'UTC')
     ORDER BY "createdAt" DESC`,
    [environmentId, new Date(Date.now() - SESSION_LIVENESS_MS).toISOString()],
  );
  return rows;
}
