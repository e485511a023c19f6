/**
 * Input streams (`streams.input`): data sent to a running task.
 * - `POST /realtime/v1/streams/{runId}/input/{streamId}` `{ data }`: what the SDK's `.send(runId, data)` calls (the
 *   real @trigger.dev/sdk's too); stores the record and completes any `.wait()` waiting for it.
 * - `GET /engine/v1/input-streams/{runId}/{streamId}?from=&wait=`: task code's `.once()` / `.on()` read records from a
 *   seq on, waiting up to `wait` seconds for one (long poll).
 * - `POST /api/v1/runs/{runId}/input-streams/wait` `{ streamId, waitpointId, fromSeq }`: task code's `.wait()` hands
 *   over the waitpoint token it will wait on; the first record from `fromSeq` on completes it (at once if one is there).
 */
import { z } from "zod";
import type { AuthenticatedEnvironment } from "../../auth/authenticate.js";
import { ApiError } from "../api-error.js";
import { assertOwnedToken, ownedRun } from "../ownership.js";
import { statusFlags } from "../run-presenter.js";
import type { ApiApp, ApiServices } from "../services.js";
import { parseBody, parseValue, runIdParam } from "../validation.js";
import {
  addInputWaiter,
  appendInputRecord,
  readInputRecords,
  removeInputWaiter,
  takeInputWaiters,
  type InputRecord,
} from "../../streams/input-stream-sql.js";

const streamIdSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/,
    'streamId: use letters, digits, "-", "_", "." or ":" (at most 64), as in streams.input({ id })',
  );
const sendSchema = z.object({ data: z.unknown() });
const readSchema = z.object({
  from: z.coerce.number().int().min(0, "from is a record number (0 or more)").default(0),
  wait: z.coerce.number().min(0).max(30, "wait is at most 30 seconds").default(0),
});
const waitSchema = z.object({
  streamId: streamIdSchema,
  waitpointId: z.string().regex(/^waitpoint_[a-z0-9]+$/i, 'waitpointId: expected a waitpoint token id ("waitpoint_…")'),
  fromSeq: z.number().int().min(0).default(0),
});

const POLL_MS = 100;

export function inputStreamRoutes(app: ApiApp, services: ApiServices): void {
  /** Completes `tokenId` with `record`; a token another path completed first (a send racing a wait) is left as it is. */
  const complete = async (env: AuthenticatedEnvironment, tokenId: string, record: InputRecord) => {
    await services.engines
      .for(env)
      .completeToken(tokenId, record)
      .catch((error: Error) =>
        console.warn(`[api] input stream waitpoint ${tokenId} was not completed: ${error.message}`),
      );
  };

  app.post("/realtime/v1/streams/:runId/input/:streamId", async (c) => {
    const env = c.get("env");
    const runId = runIdParam(c.req.param("runId"));
    const streamId = parseValue(streamIdSchema, c.req.param("streamId"), "streamId");
    const body = await parseBody(c, sendSchema);
    const run = await ownedRun(services.engines.for(env), env, runId, services.db);
    if (statusFlags(run.status).isCompleted)
      throw new ApiError(
        400,
        `run ${runId} has finished (${run.status}); input streams take data only while a run is going`,
      );
    const seq = await appendInputRecord(services.db, { runId, streamId, environmentId: env.id }, body.data);
    for (const waiter of await takeInputWaiters(services.db, runId, streamId, seq))
      await complete(env, waiter.tokenId, { seq, data: body.data ?? null });
    return c.json({ ok: true });
  });

  app.get("/engine/v1/input-streams/:runId/:streamId", async (c) => {
    const env = c.get("env");
    const runId = runIdParam(c.req.param("runId"));
    const streamId = parseValue(streamIdSchema, c.req.param("streamId"), "streamId");
    const query = parseValue(readSchema, c.req.query(), "query");
    await ownedRun(services.engines.for(env), env, runId, services.db);
    const deadline = Date.now() + query.wait * 1000;
    for (;;) {
      const records = await readInputRecords(services.db, runId, streamId, query.from);
      if (records.length > 0 || Date.now() >= deadline || c.req.raw.signal.aborted) return c.json({ records });
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  });

  app.post("/api/v1/runs/:runId/input-streams/wait", async (c) => {
    const env = c.get("env");
    const runId = runIdParam(c.req.param("runId"));
    const body = await parseBody(c, waitSchema);
    const engine = services.engines.for(env);
    await ownedRun(engine, env, runId, services.db);
    await assertOwnedToken(engine, env, body.waitpointId);
    // A replay of run() hands the token over again after it was completed: nothing left to wait for.
    if ((await engine.retrieveToken(body.waitpointId)).status !== "WAITING")
      return c.json({ waitpointId: body.waitpointId, isCached: true });
    // The waiter goes in before looking for a record, and a send stores its record before looking for waiters:
    // whichever comes second sees the other, so no record slips between them.
    await addInputWaiter(services.db, {
      tokenId: body.waitpointId,
      runId,
      streamId: body.streamId,
      environmentId: env.id,
      fromSeq: body.fromSeq,
    });
    const [record] = await readInputRecords(services.db, runId, body.streamId, body.fromSeq, 1);
    if (record && (await removeInputWaiter(services.db, body.waitpointId)))
      await complete(env, body.waitpointId, record);
    return c.json({ waitpointId: body.waitpointId, isCached: false });
  });
}
