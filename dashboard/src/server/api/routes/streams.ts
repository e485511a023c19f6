/**
 * Realtime streams. Task code appends chunks (`POST /engine/v1/streams/{runId}/{key}`, Stint's SDK in the worker);
 * readers follow them over server-sent events (`GET /realtime/v1/streams/{runId}/{key}`, what the SDK's
 * `streams.read` and `runs.subscribeToRun(…).withStreams()` call), resuming from `Last-Event-ID`.
 */
import { z } from "zod";
import { streamSSE } from "hono/streaming";
import type { AuthenticatedEnvironment } from "../../auth/authenticate.js";
import { ApiError } from "../api-error.js";
import { ownedRun } from "../ownership.js";
import { statusFlags } from "../run-presenter.js";
import type { ApiApp, ApiServices } from "../services.js";
import { parseBody, runIdParam } from "../validation.js";
import { noteOnRun } from "../../events/run-notes.js";
import { appendStreamChunks, readStreamChunks, streamState } from "../../streams/run-stream-sql.js";

const appendSchema = z.object({
  from: z.number().int("from is a whole number: the seq of the first chunk").min(0).max(10_000_000),
  chunks: z.array(z.unknown()).max(1000, "at most 1000 chunks per request"),
  done: z.boolean().optional(),
});

const PAGE = 500;
const POLL_MS = 100;
/** How often a reader waiting for chunks asks whether the run finished (then the stream ends). */
const RUN_CHECK_MS = 2_000;
const MAX_SUBSCRIPTION_SECONDS = 600;

export function streamKeyParam(value: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/.test(value)) {
    throw new ApiError(
      400,
      `key: "${value.slice(0, 64)}" is not a stream key; use letters, digits, "-", "_", "." or ":" (at most 64)`,
    );
  }
  return value;
}

/** `Last-Event-ID` is "<ms>-<seq>" as sent, or an index (`streams.read`'s `startIndex - 1`); returns the next seq. */
function resumeFrom(lastEventId: string | undefined): number {
  if (!lastEventId) return 0;
  const seq = Number(lastEventId.includes("-") ? lastEventId.split("-")[1] : lastEventId);
  return Number.isInteger(seq) && seq >= 0 ? seq + 1 : 0;
}

export function streamRoutes(app: ApiApp, services: ApiServices): void {
  /** Runs a key was seen to own: a stream's writer sends many batches, and ownership never changes. */
  const owned = new Set<string>();
  const checkOwned = async (env: AuthenticatedEnvironment, runId: string) => {
    const cacheKey = `${env.id}/${runId}`;
    if (owned.has(cacheKey)) return;
    await ownedRun(services.engines.for(env), env, runId, services.db);
    if (owned.size > 10_000) owned.delete(owned.values().next().value!);
    owned.add(cacheKey);
  };
  const runFinished = async (env: AuthenticatedEnvironment, runId: string) =>
    statusFlags((await ownedRun(services.engines.for(env), env, runId, services.db)).status).isCompleted;

  app.post("/engine/v1/streams/:runId/:key", async (c) => {
    const env = c.get("env");
    const runId = runIdParam(c.req.param("runId"));
    const key = streamKeyParam(c.req.param("key"));
    // Streamed text may carry a NUL character: it becomes U+FFFD rather than losing the batch.
    const body = await parseBody(c, appendSchema, { replaceNul: true });
    await checkOwned(env, runId);
    const { repaired } = await appendStreamChunks(
      services.db,
      { runId, key, environmentId: env.id },
      body.from,
      body.chunks,
      body.done ?? false,
    );
    for (const { seq, reason } of repaired) {
      await noteOnRun(
        services.events,
        { environmentId: env.id, runId },
        `stream "${key}": chunk ${seq} could not be stored as sent (${reason}); readers get it with U+FFFD in place of the characters PostgreSQL cannot store`,
      );
    }
    return c.json({ ok: true, next: body.from + body.chunks.length });
  });

  app.get("/realtime/v1/streams/:runId/:key", async (c) => {
    const env = c.get("env");
    const runId = runIdParam(c.req.param("runId"));
    const key = streamKeyParam(c.req.param("key"));
    await checkOwned(env, runId); // 404 before the stream opens
    const requested = Number(c.req.header("timeout-seconds"));
    const timeoutMs =
      1000 *
      (Number.isFinite(requested) && requested > 0
        ? Math.min(requested, MAX_SUBSCRIPTION_SECONDS)
        : MAX_SUBSCRIPTION_SECONDS);
    let next = resumeFrom(c.req.header("last-event-id"));
    return streamSSE(
      c,
      async (sse) => {
        const deadline = Date.now() + timeoutMs;
        let checkedRunAt = 0;
        let lastPass = false;
        while (!sse.aborted && Date.now() < deadline) {
          const chunks = await readStreamChunks(services.db, runId, key, next, PAGE);
          for (const chunk of chunks) {
            await sse.writeSSE({
              id: `${new Date(chunk.createdAt).getTime()}-${chunk.seq}`,
              data: JSON.stringify(chunk.data ?? null),
            });
            next = chunk.seq + 1;
          }
          if (chunks.length === PAGE) continue;
          if (lastPass) break;
          // The writer marks the stream complete after its last chunk, and a finished run writes no more: one more
          // pass picks up whatever arrived since this one, then the stream ends.
          if ((await streamState(services.db, runId, key, env.id))?.completed) lastPass = true;
          else if (Date.now() - checkedRunAt > RUN_CHECK_MS) {
            checkedRunAt = Date.now();
            lastPass = await runFinished(env, runId);
          }
          if (!lastPass) await sse.sleep(POLL_MS);
        }
      },
      async (error, sse) => {
        console.error(`[api] stream ${runId}/${key} failed:`, error.message);
        await sse.close();
      },
    );
  });
}
