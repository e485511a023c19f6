/**
 * The dispatcher's hottest write: one admission round (runs now waiting, admitted, released, renewed) in one
 * statement on the pool under Prisma (see sqlPool). Every run costs at least two rounds (its admission, its release),
 * so Prisma's per-query compilation and a transaction of several round trips were a visible share of the engine's CPU.
 */
import type pg from "pg";
import type { DispatchCommit, StoredDemand, StoredLease } from "@stint/temporal-workers";

const millis = (value: number) => Math.round(value);

/** Column arrays for `unnest`: one array per column, in the tables' column order below. */
function demandColumns(rows: StoredDemand[]): unknown[] {
  return [
    rows.map((row) => row.runId),
    rows.map((row) => row.organizationId),
    rows.map((row) => row.environmentId),
    rows.map((row) => row.queue),
    rows.map((row) => row.concurrencyKey),
    rows.map((row) => millis(row.requestedAt)),
    rows.map((row) => row.ticket),
  ];
}

/**
 * A run is in at most one table after a round. Rows go where the run no longer belongs, and the run's new row is
 * written over any old one (ON CONFLICT): the keys each table deletes and writes are disjoint, so one statement does
 * all of it atomically (PostgreSQL does not order a statement's data-modifying parts, which is why they must not
 * touch the same row). A renewal is skipped for a lease this round removes or rewrites.
 */
export async function commitDispatchRound(pool: pg.Pool, change: DispatchCommit): Promise<void> {
  const waitingIds = new Set(change.waiting.map((demand) => demand.runId));
  const admittedIds = new Set(change.admitted.map((lease) => lease.runId));
  const gone = [...change.released, ...waitingIds, ...admittedIds];
  const goneSet = new Set(gone);
  const renewed = (change.renewed?.runIds ?? []).filter((runId) => !goneSet.has(runId));
  await pool.query(
    `WITH demand_gone AS (DELETE FROM "QueueDemand" WHERE "runId" = ANY($1::text[])),
     lease_gone AS (DELETE FROM "QueueLease" WHERE "runId" = ANY($2::text[])),
     demand_new AS (
       INSERT INTO "QueueDemand" ("runId", "organizationId", "environmentId", "queue", "concurrencyKey", "requestedAt", "ticket")
       SELECT * FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::int[])
       ON CONFLICT ("runId") DO UPDATE SET "organizationId" = EXCLUDED."organizationId",
         "environmentId" = EXCLUDED."environmentId", "queue" = EXCLUDED."queue",
         "concurrencyKey" = EXCLUDED."concurrencyKey", "requestedAt" = EXCLUDED."requestedAt", "ticket" = EXCLUDED."ticket"),
     lease_new AS (
       INSERT INTO "QueueLease" ("runId", "organizationId", "environmentId", "queue", "concurrencyKey", "requestedAt", "ticket", "renewedAt")
       SELECT * FROM unnest($10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::bigint[], $16::int[], $17::bigint[])
       ON CONFLICT ("runId") DO UPDATE SET "organizationId" = EXCLUDED."organizationId",
         "environmentId" = EXCLUDED."environmentId", "queue" = EXCLUDED."queue",
         "concurrencyKey" = EXCLUDED."concurrencyKey", "requestedAt" = EXCLUDED."requestedAt", "ticket" = EXCLUDED."ticket",
         "renewedAt" = EXCLUDED."renewedAt"),
     lease_renewed AS (UPDATE "QueueLease" SET "renewedAt" = $18::bigint WHERE "runId" = ANY($19::text[]))
     SELECT 1`,
    [
      gone.filter((runId) => !waitingIds.has(runId)),
      gone.filter((runId) => !admittedIds.has(runId)),
      ...demandColumns(change.waiting),
      ...demandColumns(change.admitted),
      change.admitted.map((lease: StoredLease) => millis(lease.renewedAt)),
      millis(change.renewed?.at ?? 0),
      renewed,
    ],
  );
}
