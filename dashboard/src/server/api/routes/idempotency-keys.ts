/** POST /api/v1/idempotencyKeys/{key}/reset: release a key so the next trigger with it starts a new run. */
import { z } from "zod";
import type { ApiApp, ApiServices } from "../services.js";
import { parseBody, parseValue, taskIdParam } from "../validation.js";
import { keySchema } from "../trigger-body.js";

const resetSchema = z.object({
  taskIdentifier: z.string().min(1, "taskIdentifier is required: the task the key was used with"),
});

export function idempotencyKeyRoutes(app: ApiApp, services: ApiServices): void {
  app.post("/api/v1/idempotencyKeys/:key/reset", async (c) => {
    const env = c.get("env");
    const body = await parseBody(c, resetSchema);
    const key = parseValue(keySchema, decodeURIComponent(c.req.param("key")), "key");
    return c.json(await services.engines.for(env).resetIdempotencyKey(taskIdParam(body.taskIdentifier), key));
  });
}
