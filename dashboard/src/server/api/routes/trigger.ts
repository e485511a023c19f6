/** POST /api/v1/tasks/{taskId}/trigger and the legacy one-request batch routes. */
import { z } from "zod";
import { MAX_BATCH_ITEMS } from "@stint/sdk/runtime";
import { signPublicToken } from "../../auth/public-tokens.js";
import { ApiError } from "../api-error.js";
import type { ApiApp, ApiServices } from "../services.js";
import { toTriggerItem, triggerBodySchema, wireTriggerOptionsSchema } from "../trigger-body.js";
import { MAX_PAYLOAD_BODY_BYTES, parseBody, taskIdParam } from "../validation.js";
import { recordBatch, recordTriggeredRuns } from "../run-index.js";
import { EngineError, newRunId } from "@stint/temporal-workers";
import { acceptRun } from "../../runs/run-outbox-sql.js";

const legacyBatchSchema = z.object({
  items: z
    .array(
      z.object({
        task: z.string().min(1, "task is required"),
        payload: z.unknown().optional(),
        context: z.unknown().optional(),
        options: wireTriggerOptionsSchema.optional(),
      }),
    )
    .min(1, "send at least one item")
    .max(MAX_BATCH_ITEMS, `at most ${MAX_BATCH_ITEMS} items per batch; split larger batches`),
});

const taskBatchSchema = z.object({
  items: z
    .array(
      z.object({
        payload: z.unknown().optional(),
        context: z.unknown().optional(),
        options: wireTriggerOptionsSchema.optional(),
      }),
    )
    .min(1, "send at least one item")
    .max(MAX_BATCH_ITEMS, `at most ${MAX_BATCH_ITEMS} items per batch; split larger batches`),
});

export function triggerRoutes(app: ApiApp, services: ApiServices): void {
  app.post("/api/v1/tasks/:taskId/trigger", async (c) => {
    const env = c.get("env");
    const taskId = taskIdParam(c.req.param("taskId"));
    const body = await parseBody(c, triggerBodySchema, { maxBytes: MAX_PAYLOAD_BODY_BYTES });
    const headerKey = c.req.header("idempotency-key");
    const options = {
      ...body.options,
      idempotencyKey: body.options?.idempotencyKey ?? headerKey,
      idempotencyKeyTTL: body.options?.idempotencyKeyTTL ?? c.req.header("idempotency-key-ttl"),
    };
    let item = toTriggerItem(taskId, body.payload, options);
    const engine = services.engines.for(env);
    let handle: { id: string; isCached?: boolean };
    if (item.options?.idempotencyKey || item.options?.debounce) {
      // A key must be claimed on Temporal before answering: a repeat has to return the run the key names (an
      // idempotency key's run, or the debounce key's delayed run).
      handle = await engine.trigger(item);
      await recordTriggeredRuns(services.db, env, [{ id: handle.id, item }]);
    } else {
      handle = { id: newRunId(), isCached: false };
      // Checked, and a large payload stored, before the outbox keeps the item: the run carries a reference.
      item = await engine.prepareTrigger(item, handle.id);
      await acceptRun(services.db, {
        runId: handle.id,
        environmentId: env.id,
        taskIdentifier: taskId,
        status: item.options?.delay ? "DELAYED" : "QUEUED",
        tags: item.options?.tags ? [item.options.tags].flat() : [],
        isTest: item.options?.test ?? false,
        machine: item.options?.machine,
        item,
      });
      services.dispatcher.kick();
    }
    const jwt = await signPublicToken(env.id, env.jwtSigningSecret, [`read:runs:${handle.id}`]);
    c.header("x-trigger-jwt", jwt);
    c.header("x-trigger-jwt-claims", JSON.stringify({ sub: env.id, pub: true, scopes: [`read:runs:${handle.id}`] }));
    // Accepted into the outbox either way (nothing is lost), but say so when it cannot start yet.
    const warning = services.engineHealth.reachable
      ? undefined
      : "The run engine (Temporal) is unreachable: the run is accepted and starts when it is back";
    if (warning) c.header("x-stint-warning", warning);
    return c.json({ id: handle.id, isCached: handle.isCached ?? false, ...(warning ? { warning } : {}) });
  });

  const batch = async (
    env: Parameters<ApiServices["engines"]["for"]>[0],
    items: ReturnType<typeof toTriggerItem>[],
  ) => {
    const engine = services.engines.for(env);
    // Every item is checked before any starts: a bad item never leaves the batch half started.
    items.forEach((item, index) => {
      try {
        engine.validateTrigger(item);
      } catch (error) {
        if (error instanceof EngineError) throw new ApiError(error.status, `items.${index}: ${error.message}`);
        throw error;
      }
    });
    const handle = await engine.batchTrigger(items);
    await recordBatch(
      services.db,
      env,
      handle.batchId,
      handle.runs.map((r) => r.id),
      true,
    );
    await recordTriggeredRuns(
      services.db,
      env,
      handle.runs.map((run, index) => ({ id: run.id, item: items[index]!, batchId: handle.batchId })),
    );
    return handle;
  };

  // v1 returns the run ids; v2 the count (the SDK reads batchId/runs from v1 and id/runCount from v2).
  app.post("/api/v1/tasks/batch", async (c) => {
    const body = await parseBody(c, legacyBatchSchema, { maxBytes: MAX_PAYLOAD_BODY_BYTES });
    const handle = await batch(
      c.get("env"),
      body.items.map((item, index) =>
        toTriggerItem(taskIdParam(item.task), item.payload, item.options, `items.${index}`),
      ),
    );
    return c.json({ batchId: handle.batchId, runs: handle.runs.map((r) => r.id) });
  });
  app.post("/api/v2/tasks/batch", async (c) => {
    const body = await parseBody(c, legacyBatchSchema, { maxBytes: MAX_PAYLOAD_BODY_BYTES });
    const handle = await batch(
      c.get("env"),
      body.items.map((item, index) =>
        toTriggerItem(taskIdParam(item.task), item.payload, item.options, `items.${index}`),
      ),
    );
    const jwt = await signPublicToken(c.get("env").id, c.get("env").jwtSigningSecret, [`read:batch:${handle.batchId}`]);
    c.header("x-trigger-jwt", jwt);
    return c.json({
      id: handle.batchId,
      runCount: handle.runCount,
      runs: handle.runs.map((r) => ({ id: r.id, taskIdentifier: r.taskIdentifier, isCached: r.isCached ?? false })),
    });
  });
  app.post("/api/v1/tasks/:taskId/batch", async (c) => {
    const taskId = taskIdParam(c.req.param("taskId"));
    const body = await parseBody(c, taskBatchSchema, { maxBytes: MAX_PAYLOAD_BODY_BYTES });
    const handle = await batch(
      c.get("env"),
      body.items.map((item, index) => toTriggerItem(taskId, item.payload, item.options, `items.${index}`)),
    );
    return c.json({ batchId: handle.batchId, runs: handle.runs.map((r) => r.id) });
  });

  app.all("/api/v1/tasks/:taskId/trigger", () => {
    throw new ApiError(400, "Use POST to trigger a task");
  });
}
