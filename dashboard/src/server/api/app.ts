/** The Trigger-compatible REST API as one Hono app: authentication, routes, and errors as `{ error }` 4xx bodies. */
import { Hono, type Context, type Next } from "hono";
import { errorResponse, notFound } from "./api-error.js";
import type { ApiEnv, ApiServices } from "./services.js";
import { batchRoutes } from "./routes/batches.js";
import { devSessionRoutes, type DevSessionTemporal } from "./routes/dev-sessions.js";
import { idempotencyKeyRoutes } from "./routes/idempotency-keys.js";
import { runRoutes } from "./routes/runs.js";
import { triggerRoutes } from "./routes/trigger.js";
import { waitpointCallbackRoute, waitpointRoutes } from "./routes/waitpoints.js";

export function createApiApp(services: ApiServices, temporal: DevSessionTemporal): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.onError((error, c) => errorResponse(error, c));
  app.notFound((c) => errorResponse(notFound(`${c.req.method} ${new URL(c.req.url).pathname}`), c));

  app.get("/healthz", (c) => c.json({ ok: true }));
  waitpointCallbackRoute(app, services);

  // Everything else under /api and /engine acts for the one environment the secret key belongs to.
  const authenticate = async (c: Context<ApiEnv>, next: Next) => {
    c.set("env", await services.auth.fromAuthorization(c.req.header("authorization")));
    await next();
  };
  app.use("/api/*", authenticate);
  app.use("/engine/*", authenticate);

  triggerRoutes(app, services);
  batchRoutes(app, services);
  runRoutes(app, services);
  waitpointRoutes(app, services);
  idempotencyKeyRoutes(app, services);
  devSessionRoutes(app, services, temporal);
  return app;
}
