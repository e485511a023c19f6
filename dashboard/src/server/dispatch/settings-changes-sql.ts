/**
 * The scheduling settings saved since a time: the dispatcher's leader asks every second, for as long as the webapp
 * runs, so the three reads go to the pool under Prisma as named statements (see sqlPool): through Prisma each poll
 * compiled three queries, a steady cost of an idle webapp.
 */
import type pg from "pg";
import type { StoredQueueSettings } from "@stint/temporal-workers";
import type { EnvironmentType } from "../../generated/prisma/index.js";

/** A queue's settings row: every column the dispatcher stores, and when it was saved. */
export type ChangedQueueRow = Required<StoredQueueSettings> & { settingsUpdatedAt: Date };

export interface ChangedEnvironmentRow {
  id: string;
  type: EnvironmentType;
  concurrencyLimit: number;
  burstFactor: number;
  dispatchWeight: number;
  organizationId: string;
  settingsUpdatedAt: Date;
}

export interface ChangedOrganizationRow {
  id: string;
  concurrencyLimit: number | null;
  dispatchWeight: number;
  settingsUpdatedAt: Date;
}

// Prisma keeps DateTime columns as UTC wall time (timestamp without time zone): compared and read back as UTC.
const CHANGED = `"settingsUpdatedAt" > ($1::timestamptz AT TIME ZONE 'UTC')`;
const UPDATED_AT = `"settingsUpdatedAt" AT TIME ZONE 'UTC' AS "settingsUpdatedAt"`;

export async function readSettingsChangedAfter(pool: pg.Pool, after: Date) {
  const values = [after.toISOString()];
  const [queues, environments, organizations] = await Promise.all([
    pool.query<ChangedQueueRow>({
      name: "settings-changed-queues",
      text: `SELECT "environmentId", "queue", "declaredLimit", "overrideLimit", "overriddenAt", "defaultLimit", "paused",
               "concurrencyLimitPerKey", "rateLimit", "rateLimitPerKey", ${UPDATED_AT}
             FROM "QueueSetting" WHERE ${CHANGED}`,
      values,
    }),
    pool.query<ChangedEnvironmentRow>({
      name: "settings-changed-environments",
      text: `SELECT e."id", e."type"::text AS "type", e."concurrencyLimit", e."burstFactor", e."dispatchWeight",
               p."organizationId", e.${UPDATED_AT}
             FROM "RuntimeEnvironment" e JOIN "Project" p ON p."id" = e."projectId" WHERE e.${CHANGED}`,
      values,
    }),
    pool.query<ChangedOrganizationRow>({
      name: "settings-changed-organizations",
      text: `SELECT "id", "concurrencyLimit", "dispatchWeight", ${UPDATED_AT} FROM "Organization" WHERE ${CHANGED}`,
      values,
    }),
  ]);
  return { queues: queues.rows, environments: environments.rows, organizations: organizations.rows };
}
