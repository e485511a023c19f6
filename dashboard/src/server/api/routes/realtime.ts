/**
 * Realtime run updates (`runs.subscribeToRun`, `subscribeToRunsWithTag`, `subscribeToBatch`, and the React hooks):
 * the Electric shape protocol over long-polling, fed by the engine's run state.
 */
import { z } from "zod";
import type { Context } from "hono";
import type { RunRecord } from "@stint/sdk/runtime";
import type { ApiApp, ApiEnv, ApiServices } from "../services.js";
import { ownedRun } from "../ownership.js";
import { statusFlags } from "../run-presenter.js";
import { PERIOD, parseValue, periodStart, runIdParam } from "../validation.js";
import { runShapeRow, type RunShapeRow } from "../../realtime/run-shape-row.js";
import { ShapeFeeds } from "../../realtime/shape-feeds.js";
import { streamKeysOfRun } from "../../streams/run-stream-sql.js";
import { notFound } from "../api-error.js";

const shapeQuery = z.object({
  offset: z
    .string()
    .regex(/^(-1|\d+_\d+)$/, 'offset must be "-1" or an offset the server sent')
    .default("-1"),
  handle: z.string().max(100).optional(),
  live: z.enum(["true", "false"]).optional(),
  cursor: z.string().optional(),
  skipColumns: z.string().optional(),
  tags: z.string().optional(),
  createdAt: z.string().regex(PERIOD, 'createdAt is a period like "1h" or "7d"').optional(),
});

const MAX_RUNS_PER_SHAPE = 100;

export function realtimeRoutes(app: ApiApp, services: ApiServices): void {
  const feeds = new ShapeFeeds();
  /** Finished runs never change again: read them once (keyed by environment too: another key must not see them). */
  const finishedRows = new Map<string, RunShapeRow>();

  const rowOf = async (c: Context<ApiEnv>, runId: string): Promise<RunShapeRow> => {
    const env = c.get("env");
    const cacheKey = `${env.id}/${runId}`;
    const cached = finishedRows.get(cacheKey);
    if (cached) return cached;
    const run: RunRecord = await ownedRun(services.engines.for(env), env, runId, services.db);
    const row = runShapeRow(run, await streamKeysOfRun(services.db, runId));
    if (statusFlags(run.status).isCompleted) {
      if (finishedRows.size > 10_000) finishedRows.delete(finishedRows.keys().next().value!);
      finishedRows.set(cacheKey, row);
    }
    return row;
  };

  const serve = async (c: Context<ApiEnv>, runIds: () => Promise<string[]>) => {
    const query = parseValue(shapeQuery, c.req.query(), "query");
    const skipped = new Set((query.skipColumns ?? "").split(",").filter(Boolean));
    const load = async () => {
      const rows = new Map<string, RunShapeRow>();
      for (const runId of await runIds()) {
        const row = { ...(await rowOf(c, runId)) };
        for (const column of skipped) delete row[column];
        rows.set(runId, row);
      }
      return rows;
    };
    const response = await feeds.respond(
      { offset: query.offset, handle: query.handle, live: query.live === "true", signal: c.req.raw.signal },
      load,
    );
    return c.json(response.messages, 200, response.headers);
  };

  app.get("/realtime/v1/runs/:runId", async (c) => {
    const runId = runIdParam(c.req.param("runId"));
    await rowOf(c, runId); // 404 before the feed starts
    return serve(c, async () => [runId]);
  });

  app.get("/realtime/v1/runs", async (c) => {
    const query = parseValue(shapeQuery, c.req.query(), "query");
    const tags = (query.tags ?? "").split(",").filter(Boolean);
    const since = query.createdAt ? periodStart(query.createdAt) : undefined;
    return serve(c, async () => {
      const rows = await services.db.taskRun.findMany({
        where: {
          environmentId: c.get("env").id,
          ...(tags.length ? { tags: { hasEvery: tags } } : {}),
          ...(since ? { createdAt: { gte: since } } : {}),
        },
        orderBy: { createdAt: "desc" },
        take: MAX_RUNS_PER_SHAPE,
        select: { id: true },
      });
      return rows.map((row) => row.id);
    });
  });

  app.get("/realtime/v1/batches/:batchId", async (c) => {
    const batchId = c.req.param("batchId");
    const batch = await services.db.batchTaskRun.findFirst({
      where: { id: batchId, environmentId: c.get("env").id },
      select: { id: true },
    });
    if (!batch) throw notFound(`Batch ${batchId}`);
    return serve(c, async () => {
      const rows = await services.db.taskRun.findMany({
        where: { environmentId: c.get("env").id, batchId },
        orderBy: { createdAt: "asc" },
        take: 1_000,
        select: { id: true },
      });
      return rows.map((row) => row.id);
    });
  });
}
