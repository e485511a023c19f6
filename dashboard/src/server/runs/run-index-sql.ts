/** The hot SQL of the run index sync: many rows upserted in one statement. */
import type { Database } from "../database/prisma-client.js";
import { Prisma } from "../database/prisma-client.js";

export interface IndexedRun {
  id: string;
  environmentId: string;
  taskIdentifier: string;
  status: string;
  tags: string[];
  batchId?: string;
  parentRunId?: string;
  rootRunId?: string;
  createdAt: Date;
  updatedAt: Date;
  finishedAt?: Date;
}

/** Tags in first-seen order without repeats: a run's tags are only ever added to. */
const mergedTags = (current: Prisma.Sql, added: Prisma.Sql) =>
  Prisma.sql`ARRAY(SELECT t FROM unnest(${current} || ${added}) WITH ORDINALITY AS u(t, n) GROUP BY t ORDER BY min(n))`;

/** Adds tags to a run's index row (a finished run's tags are kept only here). */
export async function mergeIndexedTags(db: Database, runId: string, tags: string[]): Promise<void> {
  await db.$executeRaw`UPDATE "TaskRun" SET "tags" = ${mergedTags(Prisma.sql`"tags"`, Prisma.sql`${tags}::text[]`)} WHERE "id" = ${runId}`;
}

export async function upsertIndexedRuns(db: Database, runs: IndexedRun[]): Promise<void> {
  if (runs.length === 0) return;
  const rows = runs.map(
    (r) =>
      Prisma.sql`(${r.id}, ${r.environmentId}, ${r.taskIdentifier}, ${r.status}, ${r.tags}::text[], ${r.batchId ?? null}, ${r.parentRunId ?? null}, ${r.rootRunId ?? null}, ${r.createdAt}, ${r.updatedAt}, ${r.finishedAt ?? null})`,
  );
  // Only forward in time: an older snapshot never overwrites a newer one.
  await db.$executeRaw`
    INSERT INTO "TaskRun" ("id", "environmentId", "taskIdentifier", "status", "tags", "batchId", "parentRunId", "rootRunId", "createdAt", "updatedAt", "finishedAt")
    VALUES ${Prisma.join(rows)}
    ON CONFLICT ("id") DO UPDATE SET
      "status" = EXCLUDED."status", "tags" = ${mergedTags(Prisma.sql`"TaskRun"."tags"`, Prisma.sql`EXCLUDED."tags"`)}, "updatedAt" = EXCLUDED."updatedAt", "finishedAt" = EXCLUDED."finishedAt",
      "batchId" = COALESCE("TaskRun"."batchId", EXCLUDED."batchId"),
      "parentRunId" = COALESCE("TaskRun"."parentRunId", EXCLUDED."parentRunId"),
      "rootRunId" = COALESCE("TaskRun"."rootRunId", EXCLUDED."rootRunId")
    WHERE "TaskRun"."updatedAt" <= EXCLUDED."updatedAt"`;
}
