/**
 * Queues: list, retrieve, pause/resume, and the concurrency limit override (Trigger.dev's `queues.*`); Stint's
 * dispatcher settings (per-key limit, rate limits) with `POST /api/v1/queues/{queue}/settings`.
 */
import { z } from "zod";
import { queueConfigurationSchema } from "@stint/temporal-workers";
import type { ApiApp, ApiServices } from "../services.js";
import type { QueueRef } from "../../queues/queue-service.js";
import { parseBody, parseValue } from "../validation.js";
import { ApiError } from "../api-error.js";

const refType = z.enum(["id", "task", "custom"], { message: 'type must be "id", "task" or "custom"' }).default("id");
const listSchema = z.object({
  page: z.coerce.number().int().min(1, "page starts at 1").default(1),
  perPage: z.coerce.number().int().min(1).max(100, "perPage is at most 100").default(20),
});
const pauseSchema = z.object({
  type: refType,
  action: z.enum(["pause", "resume"], { message: 'action must be "pause" or "resume"' }),
});
const overrideSchema = z.object({
  type: refType,
  concurrencyLimit: z
    .number({ message: "concurrencyLimit is required: a whole number of runs" })
    .int("concurrencyLimit must be a whole number")
    .min(0, "concurrencyLimit is 0 or more")
    .max(100_000, "concurrencyLimit is at most 100000"),
});
const resetSchema = z.object({ type: refType });
const settingsSchema = z
  .object({
    type: refType,
    concurrencyLimitPerKey: queueConfigurationSchema.shape.concurrencyLimitPerKey,
    rateLimit: queueConfigurationSchema.shape.rateLimit,
    rateLimitPerKey: queueConfigurationSchema.shape.rateLimitPerKey,
  })
  .strict();

/** The SDK escapes "/" in queue names before URL-encoding them, so names arrive encoded twice. */
function queueParam(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new ApiError(400, `queue: "${raw.slice(0, 64)}" is not a valid encoded queue name`);
  }
}

export function queueRoutes(app: ApiApp, services: ApiServices): void {
  const { queues } = services;
  const ref = (param: string, type: QueueRef["type"]): QueueRef => ({ type, value: queueParam(param) });

  app.get("/api/v1/queues", async (c) => {
    const query = parseValue(listSchema, c.req.query(), "query");
    return c.json(await queues.list(c.get("env"), query.page, query.perPage));
  });
  app.get("/api/v1/queues/:queue", async (c) => {
    const { type } = parseValue(z.object({ type: refType }), c.req.query(), "query");
    return c.json(await queues.retrieve(c.get("env"), ref(c.req.param("queue"), type)));
  });
  app.post("/api/v1/queues/:queue/pause", async (c) => {
    const body = await parseBody(c, pauseSchema);
    return c.json(await queues.setPaused(c.get("env"), ref(c.req.param("queue"), body.type), body.action === "pause"));
  });
  app.post("/api/v1/queues/:queue/concurrency/override", async (c) => {
    const body = await parseBody(c, overrideSchema);
    return c.json(
      await queues.overrideLimit(c.get("env"), ref(c.req.param("queue"), body.type), body.concurrencyLimit),
    );
  });
  app.post("/api/v1/queues/:queue/settings", async (c) => {
    const { type, ...change } = await parseBody(c, settingsSchema);
    if (Object.keys(change).length === 0)
      throw new ApiError(400, "body: send at least one of concurrencyLimitPerKey, rateLimit, rateLimitPerKey");
    return c.json(await queues.configure(c.get("env"), ref(c.req.param("queue"), type), change));
  });
  app.post("/api/v1/queues/:queue/concurrency/reset", async (c) => {
    const body = await parseBody(c, resetSchema);
    return c.json(await queues.overrideLimit(c.get("env"), ref(c.req.param("queue"), body.type), null));
  });
}
