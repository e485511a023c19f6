/**
 * Input streams' storage: records sent to a run's input stream are RunStreamChunk rows under the key
 * "$input:<streamId>" (numbered from 0 as they arrive), and runs waiting on one (`.wait()`) are RunInputStreamWaiter
 * rows naming the waitpoint token the next record completes.
 */
import type { Database } from "../database/prisma-client.js";

export interface InputRecord {
  seq: number;
  data: unknown;
}

export const inputStreamKey = (streamId: string) => `$input:${streamId}`;

/** Appends `data` as the stream's next record; concurrent senders each get a seq of their own. */
export async function appendInputRecord(
  db: Database,
  stream: { runId: string; streamId: string; environmentId: string },
  data: unknown,
): Promise<number> {
  const key = inputStreamKey(stream.streamId);
  for (let attempt = 0; ; attempt++) {
    const rows = await db.$queryRaw<{ seq: number }[]>`
      INSERT INTO "RunStreamChunk" ("runId", "key", "seq", "data", "createdAt")
      SELECT ${stream.runId}, ${key}, COALESCE(MAX("seq") + 1, 0), ${JSON.stringify(data ?? null)}::jsonb, now()
        FROM "RunStreamChunk" WHERE "runId" = ${stream.runId} AND "key" = ${key}
      ON CONFLICT DO NOTHING
      RETURNING "seq"`;
    if (rows[0]) {
      await db.$executeRaw`
        INSERT INTO "RunStream" ("runId", "key", "environmentId", "createdAt") VALUES (${stream.runId}, ${key}, ${stream.environmentId}, now())
        ON CONFLICT ("runId", "key") DO NOTHING`;
      return rows[0].seq;
    }
    // Another sender took that seq in the meantime: take the next one.
    if (attempt >= 20)
      throw new Error(`input stream ${stream.streamId} of ${stream.runId}: too many concurrent senders`);
  }
}

export async function readInputRecords(
  db: Database,
  runId: string,
  streamId: string,
  fromSeq: number,
  limit = 100,
): Promise<InputRecord[]> {
  return db.$queryRaw<InputRecord[]>`
    SELECT "seq", "data" FROM "RunStreamChunk"
     WHERE "runId" = ${runId} AND "key" = ${inputStreamKey(streamId)} AND "seq" >= ${fromSeq}
     ORDER BY "seq" LIMIT ${limit}`;
}

export async function addInputWaiter(
  db: Database,
  waiter: { tokenId: string; runId: string; streamId: string; environmentId: string; fromSeq: number },
): Promise<void> {
  await db.runInputStreamWaiter.upsert({ where: { tokenId: waiter.tokenId }, create: waiter, update: {} });
}

/** Removes and returns the waiters of (run, stream) that the record `seq` completes. */
export async function takeInputWaiters(
  db: Database,
  runId: string,
  streamId: string,
  seq: number,
): Promise<{ tokenId: string }[]> {
  return db.$queryRaw<{ tokenId: string }[]>`
    DELETE FROM "RunInputStreamWaiter" WHERE "runId" = ${runId} AND "streamId" = ${streamId} AND "fromSeq" <= ${seq}
    RETURNING "tokenId"`;
}

export async function removeInputWaiter(db: Database, tokenId: string): Promise<boolean> {
  const removed = await db.runInputStreamWaiter.deleteMany({ where: { tokenId } });
  return removed.count > 0;
}
