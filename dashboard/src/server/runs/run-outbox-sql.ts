/** The hot SQL of the run outbox, in one place. */
import { sqlPool, type Database } from "../database/prisma-client.js";
import { decodeOutboxItem, encodeOutboxItem } from "./outbox-item.js";

export interface ClaimedRun {
  runId: string;
  environmentId: string;
  /** Undefined when the stored item could not be decoded (see `decodeError`). */
  item: unknown;
  decodeError?: string;
  /** How many times a dispatcher has claimed it, this time included. */
  attempts: number;
}

/**
 * Leases up to `limit` runs to start, oldest first. SKIP LOCKED lets several webapp processes dispatch side by side;
 * the lease lets another take over the runs of one that died mid-dispatch.
 */
export async function claimOutboxRuns(db: Database, limit: number, leaseMs: number): Promise<ClaimedRun[]> {
  const claimed = await db.$queryRaw<ClaimedRun[]>`
    UPDATE "RunOutbox" AS o
       SET "leaseUntil" = now() + make_interval(secs => ${leaseMs / 1000}::double precision), "attempts" = o."attempts" + 1
     WHERE o."runId" IN (
       SELECT "runId" FROM "RunOutbox"
        WHERE "leaseUntil" IS NULL OR "leaseUntil" < now()
        ORDER BY "createdAt"
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED)
    RETURNING o."runId" AS "runId", o."environmentId" AS "environmentId", o."item" AS "item", o."attempts" AS "attempts"`;
  // Decoded one by one: an item that cannot be decoded is that run's problem, not the round's.
  return claimed.map((run) => {
    try {
      return { ...run, item: decodeOutboxItem(run.item) };
    } catch (error) {
      return { ...run, item: undefined, decodeError: (error as Error).message };
    }
  });
}

export async function removeFromOutbox(db: Database, runIds: string[]): Promise<void> {
  if (runIds.length > 0) await db.runOutbox.deleteMany({ where: { runId: { in: runIds } } });
}

/** Gives leased runs back at once (Temporal was unreachable; retry on the next round): such tries do not count. */
export async function releaseOutboxRuns(db: Database, runIds: string[]): Promise<void> {
  if (runIds.length > 0)
    await db.runOutbox.updateMany({
      where: { runId: { in: runIds } },
      data: { leaseUntil: null, attempts: { decrement: 1 } },
    });
}

/** Leaves a run whose start failed alone for a while, so it stops coming back at the head of the queue. */
export async function deferOutboxRun(db: Database, runId: string, delayMs: number): Promise<void> {
  await db.$executeRaw`
    UPDATE "RunOutbox" SET "leaseUntil" = now() + make_interval(secs => ${delayMs / 1000}::double precision) WHERE "runId" = ${runId}`;
}

/** Takes a run out of the outbox before anyone started it (cancel); false if a dispatcher holds or started it. */
export async function withdrawFromOutbox(db: Database, runId: string): Promise<boolean> {
  const removed = await db.$executeRaw`
    DELETE FROM "RunOutbox" WHERE "runId" = ${runId} AND ("leaseUntil" IS NULL OR "leaseUntil" < now())`;
  return removed > 0;
}

/** Moves the delay of a run nobody started yet; false if a dispatcher holds or started it. */
export async function rescheduleInOutbox(db: Database, runId: string, delay: string): Promise<boolean> {
  const updated = await db.$executeRaw`
    UPDATE "RunOutbox" SET item = jsonb_set(item, '{options,delay}', to_jsonb(${delay}::text))
    WHERE "runId" = ${runId} AND ("leaseUntil" IS NULL OR "leaseUntil" < now())`;
  return updated > 0;
}

/** Adds tags to the item of a run nobody started yet; "leased" while a dispatcher is starting it. */
export async function addTagsInOutbox(
  db: Database,
  runId: string,
  tags: string[],
): Promise<"updated" | "leased" | "absent"> {
  const updated = await db.$executeRaw`
    UPDATE "RunOutbox"
       SET item = jsonb_set(item, '{options,tags}', COALESCE(item->'options'->'tags', '[]'::jsonb) || to_jsonb(${tags}::text[]), true)
     WHERE "runId" = ${runId} AND ("leaseUntil" IS NULL OR "leaseUntil" < now())`;
  if (updated > 0) return "updated";
  return (await db.runOutbox.count({ where: { runId } })) > 0 ? "leased" : "absent";
}

export interface AcceptedRun {
  runId: string;
  environmentId: string;
  taskIdentifier: string;
  status: "QUEUED" | "DELAYED";
  tags: string[];
  isTest: boolean;
  machine?: string;
  item: unknown;
}

/**
 * The trigger API's one write: the run's index row and its outbox entry, in one statement (one round trip), on the
 * pool under Prisma (sqlPool): it runs for every trigger, so it is a named statement each connection plans once.
 */
export async function acceptRun(db: Database, run: AcceptedRun): Promise<void> {
  await sqlPool(db).query({
    name: "accept-run",
    text: `WITH indexed AS (
       INSERT INTO "TaskRun" ("id", "environmentId", "taskIdentifier", "status", "tags", "isTest", "machine", "depth", "createdAt", "updatedAt")
       VALUES ($1, $2, $3, $4, $5::text[], $6, $7, 0, now(), now()))
     INSERT INTO "RunOutbox" ("runId", "environmentId", "item", "createdAt") VALUES ($1, $2, $8::jsonb, now())`,
    values: [
      run.runId,
      run.environmentId,
      run.taskIdentifier,
      run.status,
      run.tags,
      run.isTest,
      run.machine ?? null,
      encodeOutboxItem(run.item),
    ],
  });
}
