/** The hot SQL of realtime streams, in one place: append chunks (idempotent by seq), read them from a seq on. */
import type { Database } from "../database/prisma-client.js";
import { isRefusedValue, refusalReason } from "../database/refused-value.js";
import { toStorable } from "../database/storable-text.js";

export interface StreamChunk {
  seq: number;
  data: unknown;
  createdAt: Date;
}

async function insertChunks(
  db: Database,
  stream: { runId: string; key: string },
  from: number,
  chunks: unknown[],
): Promise<void> {
  await db.$executeRaw`
    INSERT INTO "RunStreamChunk" ("runId", "key", "seq", "data", "createdAt")
    SELECT ${stream.runId}, ${stream.key}, ${from}::int + (t.ord - 1)::int, t.elem, now()
      FROM jsonb_array_elements(${JSON.stringify(chunks)}::jsonb) WITH ORDINALITY AS t(elem, ord)
    ON CONFLICT DO NOTHING`;
}

/**
 * Appends `chunks` as seqs `from`, `from + 1`, …; seqs already there are kept (a replaying writer resends them).
 * A chunk PostgreSQL refuses does not cost the others: it is stored with its text made storable (or as null), and
 * its seq is returned with the reason so the caller can note it on the run.
 */
export async function appendStreamChunks(
  db: Database,
  stream: { runId: string; key: string; environmentId: string },
  from: number,
  chunks: unknown[],
  done: boolean,
): Promise<{ repaired: { seq: number; reason: string }[] }> {
  const repaired: { seq: number; reason: string }[] = [];
  if (chunks.length > 0) {
    try {
      await insertChunks(db, stream, from, chunks);
    } catch (error) {
      if (!isRefusedValue(error)) throw error;
      for (const [index, chunk] of chunks.entries()) {
        const seq = from + index;
        try {
          await insertChunks(db, stream, seq, [chunk]);
        } catch (chunkError) {
          if (!isRefusedValue(chunkError)) throw chunkError;
          repaired.push({ seq, reason: refusalReason(chunkError) });
          await insertChunks(db, stream, seq, [toStorable(chunk)]).catch(() => insertChunks(db, stream, seq, [null]));
        }
      }
    }
  }
  // After the chunks: a reader that sees the stream completed finds every chunk already stored.
  const completedAt = done ? new Date() : null;
  await db.$executeRaw`
    INSERT INTO "RunStream" ("runId", "key", "environmentId", "completedAt", "createdAt")
    VALUES (${stream.runId}, ${stream.key}, ${stream.environmentId}, ${completedAt}, now())
    ON CONFLICT ("runId", "key") DO UPDATE SET "completedAt" = COALESCE("RunStream"."completedAt", EXCLUDED."completedAt")`;
  return { repaired };
}

export async function readStreamChunks(
  db: Database,
  runId: string,
  key: string,
  fromSeq: number,
  limit = 500,
): Promise<StreamChunk[]> {
  return db.$queryRaw<StreamChunk[]>`
    SELECT "seq", "data", "createdAt" FROM "RunStreamChunk"
     WHERE "runId" = ${runId} AND "key" = ${key} AND "seq" >= ${fromSeq}
     ORDER BY "seq" LIMIT ${limit}`;
}

/** The stream's state for readers: undefined until its first chunk (or the writer's first call) arrives. */
export async function streamState(
  db: Database,
  runId: string,
  key: string,
  environmentId: string,
): Promise<{ completed: boolean } | undefined> {
  const row = await db.runStream.findUnique({
    where: { runId_key: { runId, key } },
    select: { environmentId: true, completedAt: true },
  });
  return row && row.environmentId === environmentId ? { completed: row.completedAt !== null } : undefined;
}

/** The keys of a run's streams, oldest first (the run shape's `realtimeStreams`; not Stint's own "$" keys). */
export async function streamKeysOfRun(db: Database, runId: string): Promise<string[]> {
  const rows = await db.runStream.findMany({
    where: { runId, NOT: { key: { startsWith: "$" } } },
    orderBy: { createdAt: "asc" },
    select: { key: true },
  });
  return rows.map((row) => row.key);
}

/** A run's streams with their first chunks, for the dashboard's run page. */
export async function streamsOfRun(
  db: Database,
  runId: string,
  chunksPerStream: number,
): Promise<{ key: string; completed: boolean; chunks: unknown[]; more: boolean }[]> {
  // Keys starting with "$" are Stint's own (input streams' records), not streams the task wrote.
  const streams = await db.runStream.findMany({
    where: { runId, NOT: { key: { startsWith: "$" } } },
    orderBy: { createdAt: "asc" },
    select: { key: true, completedAt: true },
  });
  return Promise.all(
    streams.map(async (stream) => {
      const chunks = await readStreamChunks(db, runId, stream.key, 0, chunksPerStream + 1);
      return {
        key: stream.key,
        completed: stream.completedAt !== null,
        chunks: chunks.slice(0, chunksPerStream).map((c) => c.data),
        more: chunks.length > chunksPerStream,
      };
    }),
  );
}
