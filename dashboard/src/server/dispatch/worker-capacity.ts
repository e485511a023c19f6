/**
 * Feeds the dispatcher each worker group's connected capacity: the attempts its Connected supervisors run at once,
 * summed (0 when none is connected). The dispatcher admits no more of the group's runs than that, so the group's
 * task queue stays short and the next attempt a supervisor takes is the fair one; runs that do not fit wait in the
 * dispatcher, and a supervisor that connects gets them within a poll. Read when this process starts leading, then
 * every POLL_MS.
 */
import type { Dispatcher } from "@stint/temporal-workers";
import { sqlPool, type Database } from "../database/prisma-client.js";
import { DEFAULT_WORKER_GROUP, workerGroupTaskQueue } from "../engine/environment-engines.js";
import { CONNECTED_WITHIN_MS } from "../workers/worker-groups.js";

const POLL_MS = 2_000;

/**
 * Each worker group's pool (its task queue) and the summed capacity of its connected servers. Read every POLL_MS for
 * as long as this process leads: one statement on the pool under Prisma (see sqlPool), not a compiled Prisma query.
 */
export async function connectedCapacity(db: Database, now = Date.now()): Promise<Map<string, number>> {
  // Prisma keeps DateTime columns as UTC wall time (timestamp without time zone): compared as UTC.
  const { rows } = await sqlPool(db).query<{ name: string; capacity: number }>({
    name: "worker-group-capacity",
    text: `SELECT g."name", COALESCE(SUM(s."capacity"), 0)::int AS "capacity"
           FROM "WorkerGroup" g
           LEFT JOIN "WorkerServer" s ON s."groupId" = g."id" AND s."disconnectedAt" IS NULL
             AND s."lastHeartbeatAt" > ($1::timestamptz AT TIME ZONE 'UTC')
           GROUP BY g."name"`,
    values: [new Date(now - CONNECTED_WITHIN_MS).toISOString()],
  });
  // Deployed environments run on the default group even before it is created (first boot): no worker, no capacity.
  const capacities = new Map([[workerGroupTaskQueue(DEFAULT_WORKER_GROUP), 0]]);
  for (const group of rows) capacities.set(workerGroupTaskQueue(group.name), group.capacity);
  return capacities;
}

export async function applyWorkerCapacity(db: Database, dispatcher: Dispatcher): Promise<void> {
  for (const [pool, capacity] of await connectedCapacity(db)) dispatcher.setCapacity(pool, capacity);
}

/** Keeps the capacities current while this process leads; returns a stop function. */
export function followWorkerCapacity(db: Database, dispatcher: Dispatcher, pollMs = POLL_MS): () => void {
  let polling = false;
  const timer = setInterval(() => {
    if (polling) return;
    polling = true;
    applyWorkerCapacity(db, dispatcher)
      .catch((error) => console.error("[dispatcher] worker capacity:", error))
      .finally(() => {
        polling = false;
      });
  }, pollMs);
  timer.unref();
  return () => clearInterval(timer);
}
