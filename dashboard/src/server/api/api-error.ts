/**
 * Errors as Trigger.dev's API returns them: `{ error: message }` with a 4xx naming the field and the fix; a 500 only
 * for what really is the server's fault, logged without request bodies (they may hold secrets).
 */
import type { Context } from "hono";
import { ZodError } from "zod";
import { EngineError } from "@stint/temporal-workers";
import { describeZodError } from "@stint/sdk/runtime";
import { AuthError } from "../auth/authenticate.js";

export class ApiError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429,
    message: string,
  ) {
    super(message);
  }
}

export function notFound(what: string): ApiError {
  return new ApiError(404, `${what} not found`);
}

export function errorResponse(error: unknown, c: Context): Response {
  if (error instanceof ApiError) return c.json({ error: error.message }, error.status);
  if (error instanceof AuthError) return c.json({ error: error.message }, 401);
  if (error instanceof ZodError) return c.json({ error: describeZodError("body", error) }, 400);
  if (error instanceof EngineError) return c.json({ error: error.message }, error.status as 400);
  console.error(`[api] ${c.req.method} ${new URL(c.req.url).pathname} failed:`, error instanceof Error ? error.stack : error);
  return c.json({ error: "Internal server error" }, 500);
}
