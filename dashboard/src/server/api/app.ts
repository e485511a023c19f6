/** The Trigger-compatible REST API as one Hono app: authentication, routes, and errors as `{ error }` 4xx bodies. */
import { Hono, type Context, type Next } from "hono";
import { ApiError, errorResponse, notFound } from "./api-error.js";
import { scopeAllows } from "../auth/public-tokens.js";
import type { ApiEnv, ApiServices } from "./services.js";
import { batchRoutes } from "./routes/batches.js";
import { devSessionRoutes, type DevSessionTemporal } from "./routes/dev-sessions.js";
import { idempotencyKeyRoutes } from "./routes/idempotency-keys.js";
import { runRoutes } from "./routes/runs.js";
import { envVarRoutes } from "./routes/envvars.js";
import { runLogRoutes } from "./routes/run-logs.js";
import { scheduleRoutes, timezonesRoute } from "./routes/schedules.js";
import { queueRoutes } from "./routes/queues.js";
import { realtimeRoutes } from "./routes/realtime.js";
import { triggerRoutes } from "./routes/trigger.js";
import { waitpointCallbackRoute, waitpointRoutes } from "./routes/waitpoints.js";

export function createApiApp(services: ApiServices, temporal: DevSessionTemporal): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.onError((error, c) => errorResponse(error, c));
  app.notFound((c) => errorResponse(notFound(`${c.req.method} ${new URL(c.req.url).pathname}`), c));

  app.get("/healthz", (c) => c.json({ ok: true }));
  waitpointCallbackRoute(app, services);
  timezonesRoute(app);

  // Everything else under /api and /engine acts for the one environment the secret key belongs to. A public access
  // token (a JWT the API handed out) may only read the runs or batches it names.
  const authenticate = async (c: Context<ApiEnv>, next: Next) => {
    const header = c.req.header("authorization");
    const bearer = /^Bearer\s+(ey\S+)$/i.exec(header ?? "")?.[1];
    if (bearer) {
      const { env, scopes } = await services.auth.fromPublicToken(bearer);
      const path = new URL(c.req.url).pathname;
      const get = c.req.method === "GET";
      const readable = get && (/^\/api\/v3\/runs\/([^/]+)$/.exec(path) ?? /^\/api\/v1\/runs\/([^/]+)\/result$/.exec(path) ?? /^\/realtime\/v1\/runs\/([^/]+)$/.exec(path));
      const batch = get && (/^\/api\/v2\/batches\/([^/]+)$/.exec(path) ?? /^\/realtime\/v1\/batches\/([^/]+)$/.exec(path));
      // Runs by tag: the token must allow every tag asked for.
      const tags = get && path === "/realtime/v1/runs" ? (c.req.query("tags") ?? "").split(",").filter(Boolean) : [];
      const allowed =
        (readable && scopeAllows(scopes, "runs", readable[1]!)) ||
        (batch && scopeAllows(scopes, "batch", batch[1]!)) ||
        (tags.length > 0 && tags.every((tag) => scopeAllows(scopes, "tags", tag)));
      if (!allowed) throw new ApiError(403, "This public access token can only read the runs and batches it was issued for; use a secret key for anything else");
      c.set("env", env);
    } else {
      c.set("env", await services.auth.fromAuthorization(header));
    }
    await next();
  };
  app.use("/api/*", authenticate);
  app.use("/engine/*", authenticate);
  app.use("/realtime/*", authenticate);

  triggerRoutes(app, services);
  batchRoutes(app, services);
  runRoutes(app, services);
  waitpointRoutes(app, services);
  idempotencyKeyRoutes(app, services);
  scheduleRoutes(app, services);
  queueRoutes(app, services);
  realtimeRoutes(app, services);
  envVarRoutes(app, services);
  runLogRoutes(app, services);
  devSessionRoutes(app, services, temporal);
  return app;
}
