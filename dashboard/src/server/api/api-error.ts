/**
 * Errors as Trigger.dev's API returns them: `{ error: message }` with a 4xx naming the field and the fix; a 500 only
 * for what really is the server's fault, with a message saying what failed, logged without request bodies (they may
 * hold secrets). Engine and database errors a route did not map are classified in failure-status.ts.
 */
import type { Context } from "hono";
import { ZodError } from "zod";
import { EngineError, isEngineUnavailable } from "@stint/temporal-workers";
import { describeZodError } from "@stint/sdk/runtime";
import { ApiError, AuthError } from "../errors.js";

// Routes import the error with its helpers from here.
export { ApiError };
import { failureStatus } from "./failure-status.js";
import { ENGINE_RETRY_AFTER_SECONDS } from "../engine/engine-health.js";

export function notFound(what: string): ApiError {
  return new ApiError(404, `${what} not found`);
}

export function errorResponse(error: unknown, c: Context): Response {
  if (error instanceof ApiError) return c.json({ error: error.message }, error.status);
  if (error instanceof AuthError) return c.json({ error: error.message }, 401);
  if (error instanceof ZodError) return c.json({ error: describeZodError("body", error) }, 400);
  if (error instanceof EngineError) return c.json({ error: error.message }, error.status as 400);
  if (isEngineUnavailable(error)) {
    // Not the caller's fault and not a bug: Temporal is down, restarting or too busy. The same request can be retried.
    c.header("Retry-After", String(ENGINE_RETRY_AFTER_SECONDS));
    return c.json(
      {
        error: `The run engine (Temporal) is unreachable or too busy to answer right now: retry in ${ENGINE_RETRY_AFTER_SECONDS} s`,
      },
      503,
    );
  }
  const failure = failureStatus(error);
  if (failure.status >= 500)
    console.error(
      `[api] ${c.req.method} ${new URL(c.req.url).pathname} failed:`,
      error instanceof Error ? error.stack : error,
    );
  if (failure.retryAfter) c.header("retry-after", String(failure.retryAfter));
  return c.json({ error: failure.message }, failure.status);
}
