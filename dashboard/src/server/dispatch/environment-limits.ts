/**
 * Feeds the dispatcher each environment's organisation, concurrency limit, burst factor and weight from the database
 * (Trigger.dev's semantics: an environment runs up to floor(limit × burst factor) at once across its queues; the
 * burst factor is 2 unless set), when it starts leading and then every few seconds, so new environments and limits
 * changed by any process apply without a restart (settings saved through the engine also arrive within a second,
 * see PostgresLeaseStore.settingsChangedSince).
 */
import type { Dispatcher } from "@stint/temporal-workers";
import type { Database } from "../database/prisma-client.js";
import {
  environmentFromRow,
  environmentSelect,
  organizationFromRow,
  organizationSelect,
} from "./postgres-lease-store.js";

const REFRESH_MS = 10_000;

/** One environment's organisation and limit, for the dispatcher's first run of an environment it has not seen. */
export async function describeEnvironment(db: Database, environmentId: string) {
  const row = await db.runtimeEnvironment.findUnique({ where: { id: environmentId }, select: environmentSelect });
  if (!row) return undefined;
  const { environmentId: _id, ...limits } = environmentFromRow(row);
  return limits;
}

export async function applyEnvironmentLimits(db: Database, dispatcher: Dispatcher): Promise<void> {
  const [environments, organizations] = await Promise.all([
    db.runtimeEnvironment.findMany({ select: environmentSelect }),
    db.organization.findMany({ select: organizationSelect }),
  ]);
  for (const { environmentId, ...limits } of environments.map(environmentFromRow))
    dispatcher.setEnvironment(environmentId, limits);
  for (const { organizationId, ...settings } of organizations.map(organizationFromRow))
    dispatcher.setOrganization(organizationId, settings);
}

/** Keeps the limits current while this process leads; returns a stop function. */
export function followEnvironmentLimits(db: Database, dispatcher: Dispatcher): () => void {
  const timer = setInterval(() => {
    applyEnvironmentLimits(db, dispatcher).catch((error) => console.error("[dispatcher] environment limits:", error));
  }, REFRESH_MS);
  timer.unref();
  return () => clearInterval(timer);
}
