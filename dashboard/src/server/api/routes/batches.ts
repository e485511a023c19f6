/** Two-phase batches (v3: create, then stream NDJSON items) and batch retrieval. */
import { z } from "zod";
import { FINAL_STATUSES, isFinalStatus } from "@stint/sdk/core";
import { MAX_BATCH_ITEMS } from "@stint/sdk/runtime";
import { EngineError, newBatchId } from "@stint/temporal-workers";
import { signPublicToken } from "../../auth/public-tokens.js";
import { ApiError, notFound } from "../api-error.js";
import { recordTriggeredRuns } from "../run-index.js";
import type { ApiApp, ApiServices } from "../services.js";
import { keySchema, toTriggerItem, wireTriggerOptionsSchema } from "../trigger-body.js";
import { parseBody, parseValue, taskIdParam } from "../validation.js";
import { parseClientJson } from "../json-limits.js";

const createBatchSchema = z.object({
  runCount: z
    .number()
    .int()
    .min(1, "runCount must be at least 1")
    .max(MAX_BATCH_ITEMS, `runCount is at most ${MAX_BATCH_ITEMS}; split larger batches`),
  parentRunId: z.string().max(128).optional(),
  resumeParentOnCompletion: z.boolean().optional(),
  idempotencyKey: keySchema.optional(),
  idempotencyKeyOptions: z.unknown().optional(),
});

const itemLineSchema = z.object({
  index: z.number().int().nonnegative(),
  task: z.string().min(1, "task is required"),
  payload: z.unknown().optional(),
  options: wireTriggerOptionsSchema.optional(),
});

const batchIdSchema = z.string().regex(/^batch_[a-z0-9]+$/i, 'expected a batch id like "batch_…"');

export function batchRoutes(app: ApiApp, services: ApiServices): void {
  app.post("/api/v3/batches", async (c) => {
    const env = c.get("env");
    const body = await parseBody(c, createBatchSchema);
    if (body.resumeParentOnCompletion)
      throw new ApiError(
        422,
        "resumeParentOnCompletion: batchTriggerAndWait runs inside a task, where the engine starts the batch itself",
      );
    if (body.idempotencyKey) {
      const existing = await services.db.batchTaskRun.findUnique({
        where: { environmentId_idempotencyKey: { environmentId: env.id, idempotencyKey: body.idempotencyKey } },
      });
      if (existing)
        return c.json({
          id: existing.id,
          runCount: existing.runCount,
          isCached: true,
          idempotencyKey: body.idempotencyKey,
        });
    }
    const id = newBatchId();
    await services.db.batchTaskRun.create({
      data: {
        id,
        environmentId: env.id,
        runCount: body.runCount,
        runIds: Array(body.runCount).fill(""),
        idempotencyKey: body.idempotencyKey,
        parentRunId: body.parentRunId,
      },
    });
    c.header("x-trigger-jwt", await signPublicToken(env.id, env.jwtSigningSecret, [`read:batch:${id}`]));
    return c.json({ id, runCount: body.runCount, isCached: false, idempotencyKey: body.idempotencyKey });
  });

  app.post("/api/v3/batches/:batchId/items", async (c) => {
    const env = c.get("env");
    const batchId = parseValue(batchIdSchema, c.req.param("batchId"), "batchId");
    const batch = await services.db.batchTaskRun.findFirst({ where: { id: batchId, environmentId: env.id } });
    if (!batch) throw notFound(`Batch ${batchId}`);
    const lines = (await c.req.text()).split("\n");
    const byIndex = new Map<number, { item: ReturnType<typeof toTriggerItem>; line: number }>();
    lines.forEach((text, lineIndex) => {
      if (text.trim() === "") return;
      const field = `line ${lineIndex + 1}`;
      const parsed = parseClientJson(text, field);
      if (!parsed.ok)
        throw new ApiError(400, `${field}: not valid JSON (the body is NDJSON: one item object per line)`);
      const item = parseValue(itemLineSchema, parsed.value, field);
      if (item.index >= batch.runCount)
        throw new ApiError(400, `${field}.index: ${item.index} is outside the batch (runCount ${batch.runCount})`);
      byIndex.set(item.index, {
        item: toTriggerItem(taskIdParam(item.task), item.payload, item.options, field),
        line: lineIndex + 1,
      });
    });
    const engine = services.engines.for(env);
    // Every item is checked before any starts: a bad line never leaves the batch half started.
    for (const { item, line } of byIndex.values()) {
      try {
        engine.validateTrigger(item);
      } catch (error) {
        if (error instanceof EngineError) throw new ApiError(error.status, `line ${line}: ${error.message}`);
        throw error;
      }
    }
    const runIds = [...batch.runIds];
    const fresh = [...byIndex.entries()].filter(([index]) => !runIds[index]);
    if (fresh.length > 0) {
      const handle = await engine.batchTrigger(
        fresh.map(([, { item }]) => item),
        { batchId },
      );
      fresh.forEach(([index], i) => (runIds[index] = handle.runs[i]!.id));
      await recordTriggeredRuns(
        services.db,
        env,
        fresh.map(([, { item }], i) => ({ id: handle.runs[i]!.id, item, batchId })),
      );
    }
    const enqueued = runIds.filter(Boolean).length;
    const sealed = enqueued === batch.runCount;
    await services.db.batchTaskRun.update({
      where: { id: batchId },
      data: { runIds, sealed, status: sealed ? "PROCESSING" : "PENDING" },
    });
    return c.json({
      id: batchId,
      itemsAccepted: fresh.length,
      itemsDeduplicated: byIndex.size - fresh.length,
      sealed,
      ...(sealed ? {} : { enqueuedCount: enqueued, expectedCount: batch.runCount }),
    });
  });

  app.get("/api/v2/batches/:batchId", async (c) => {
    const env = c.get("env");
    const batchId = parseValue(batchIdSchema, c.req.param("batchId"), "batchId");
    const batch = await services.db.batchTaskRun.findFirst({ where: { id: batchId, environmentId: env.id } });
    if (!batch) return c.json(await batchOfTaskCode(services, env.id, batchId));
    const finished = await services.db.taskRun.count({
      where: { batchId, status: { in: [...FINAL_STATUSES] } },
    });
    const status = !batch.sealed ? "PENDING" : finished >= batch.runCount ? "COMPLETED" : "PROCESSING";
    return c.json({
      id: batch.id,
      status,
      idempotencyKey: batch.idempotencyKey ?? undefined,
      createdAt: batch.createdAt,
      updatedAt: batch.updatedAt,
      runCount: batch.runCount,
      runs: batch.runIds.filter(Boolean),
      processing: { completedAt: batch.sealed ? batch.updatedAt : undefined, errors: [] },
    });
  });
}

/**
 * A batch task code triggered (inside a run the engine triggers it, so only its runs are indexed): answered from its
 * runs in the run index, which the sync fills within a second or two of the trigger.
 */
async function batchOfTaskCode(services: ApiServices, environmentId: string, batchId: string) {
  const runs = await services.db.taskRun.findMany({
    where: { batchId, environmentId },
    orderBy: { createdAt: "asc" },
    select: { id: true, status: true, createdAt: true, updatedAt: true },
  });
  if (runs.length === 0) throw notFound(`Batch ${batchId}`);
  const finished = runs.filter((run) => isFinalStatus(run.status)).length;
  return {
    id: batchId,
    status: finished === runs.length ? "COMPLETED" : "PROCESSING",
    createdAt: runs[0]!.createdAt,
    updatedAt: runs.reduce((latest, run) => (run.updatedAt > latest ? run.updatedAt : latest), runs[0]!.updatedAt),
    runCount: runs.length,
    runs: runs.map((run) => run.id),
    processing: { completedAt: undefined, errors: [] },
  };
}
