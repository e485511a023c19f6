/** The Trigger-compatible REST API as one Hono app: authentication, routes, and errors as `{ error }` 4xx bodies. */
import { Hono, type Context, type Next } from "hono";
import { isEngineUnavailable } from "@stint/temporal-workers";
import { ApiError, errorResponse, notFound } from "./api-error.js";
import { publicTokenAccess } from "./public-token-access.js";
import { refuseControlCharacters } from "./validation.js";
import { bodyLimits } from "./body-limits.js";
import type { ApiEnv, ApiServices } from "./services.js";
import { batchRoutes } from "./routes/batches.js";
import { devSessionRoutes, type DevSessionTemporal } from "./routes/dev-sessions.js";
import { deploymentRoutes } from "./routes/deployments.js";
import { idempotencyKeyRoutes } from "./routes/idempotency-keys.js";
import { authRoutes } from "./routes/auth.js";
import { streamRoutes } from "./routes/streams.js";
import { inputStreamRoutes } from "./routes/input-streams.js";
import { runRoutes } from "./routes/runs.js";
import { envVarRoutes } from "./routes/envvars.js";
import { runLogRoutes } from "./routes/run-logs.js";
import { scheduleRoutes, timezonesRoute } from "./routes/schedules.js";
import { queueRoutes } from "./routes/queues.js";
import { environmentSchedulingRoutes, organizationSchedulingRoutes } from "./routes/scheduling.js";
import { projectRoutes } from "./routes/projects.js";
import { whoamiRoutes } from "./routes/whoami.js";
import { projectEnvironmentRoutes } from "./routes/project-environments.js";
import { realtimeRoutes } from "./routes/realtime.js";
import { triggerRoutes } from "./routes/trigger.js";
import { packetRoutes } from "./routes/packets.js";
import { waitpointCallbackRoute, waitpointRoutes } from "./routes/waitpoints.js";
import { workerRoutes } from "./routes/worker-servers.js";
import { jsonSafeResponses } from "./json-safe-responses.js";
import { RelayedRunAuthenticator, isRelayedRequest } from "../workers/relayed-runs.js";

/** A dev session's registration may declare hundreds of queues, each a Temporal update: more than a usual write's time. */
const SESSION_REGISTRATION_DEADLINE_MS = 120_000;

export function createApiApp(services: ApiServices, temporal: DevSessionTemporal): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.onError((error, c) => {
    if (isEngineUnavailable(error)) services.engineHealth.suspect();
    return errorResponse(error, c);
  });
  app.notFound((c) => errorResponse(notFound(`${c.req.method} ${new URL(c.req.url).pathname}`), c));

  // A request answered before its body was read (a 401 or 404 ahead of validation) is read to its end here, so its
  // connection stays usable: the Node adapter would drain it for at most 500 ms and then close the socket, failing
  // the client's next request on that connection ("other side closed"). The body limit bounds what is read.
  app.use("*", async (c, next) => {
    await next();
    if (c.req.raw.body && !c.req.raw.bodyUsed && c.res.status !== 413)
      await c.req.raw.arrayBuffer().catch(() => undefined);
  });
  app.use("*", bodyLimits());
  app.use("*", jsonSafeResponses);
  app.use("*", async (c, next) => {
    refuseControlCharacters(new URL(c.req.url));
    await next();
  });
  // Every Temporal call a request makes has a deadline: a 503 within seconds when Temporal is down, never a minute's
  // wait. Realtime feeds are long-lived and keep the client's own timeouts.
  app.use("*", async (c, next) => {
    const path = new URL(c.req.url).pathname;
    if (path.startsWith("/realtime/")) return next();
    // A dev session's registration configures a queue gate per declared queue (hundreds in large projects).
    const registration = c.req.method === "POST" && /^\/engine\/v1\/dev\/sessions(\/[^/]+)?$/.test(path);
    await services.engineHealth.withRequestDeadline(
      c.req.method,
      () => next(),
      registration ? SESSION_REGISTRATION_DEADLINE_MS : undefined,
    );
  });
  app.get("/healthz", (c) => c.json({ ok: true, temporal: services.engineHealth.describe() }));
  waitpointCallbackRoute(app, services);
  timezonesRoute(app);
  // Supervisors authenticate with their worker group's token, not with an environment's key.
  workerRoutes(app, services, temporal);
  // Personal access tokens, not environment keys: before the key authentication below.
  projectRoutes(app, services);
  projectEnvironmentRoutes(app, services);
  organizationSchedulingRoutes(app, services);
  whoamiRoutes(app, services);

  // Everything else under /api and /engine acts for the one environment the secret key belongs to. A public access
  // token (a JWT) may only read, trigger or complete what its scopes name. A supervisor relaying a management call of
  // task code (its worker token and the run's headers) acts for the environment of the run it executes.
  const relayedRuns = new RelayedRunAuthenticator(services);
  const authenticate = async (c: Context<ApiEnv>, next: Next) => {
    const header = c.req.header("authorization");
    const bearer = /^Bearer\s+(ey\S+)$/i.exec(header ?? "")?.[1];
    if (isRelayedRequest((name) => c.req.header(name))) {
      c.set("env", await relayedRuns.environmentFor(header, (name) => c.req.header(name)));
    } else if (bearer) {
      const { env, claims } = await services.auth.fromPublicToken(bearer);
      const access = publicTokenAccess(c.req.method, new URL(c.req.url), claims.scopes);
      if (!access)
        throw new ApiError(
          403,
          "This public access token does not allow this request: it may only read the runs, batches or tags, or trigger the tasks, its scopes name; use a secret key for anything else",
        );
      if (
        access === "trigger" &&
        claims.oneTimeUse &&
        !(await services.auth.spendOneTimeToken(env, bearer, claims.expiresAt))
      ) {
        throw new ApiError(
          401,
          "This one-time trigger token was already used: create a new one with auth.createTriggerPublicToken (or pass multipleUse: true)",
        );
      }
      c.set("env", env);
    } else {
      c.set("env", await services.auth.fromAuthorization(header));
    }
    await next();
  };
  app.use("/api/*", authenticate);
  app.use("/engine/*", authenticate);
  app.use("/realtime/*", authenticate);

  authRoutes(app);
  triggerRoutes(app, services);
  batchRoutes(app, services);
  runRoutes(app, services);
  packetRoutes(app, services);
  waitpointRoutes(app, services);
  idempotencyKeyRoutes(app, services);
  scheduleRoutes(app, services);
  queueRoutes(app, services);
  environmentSchedulingRoutes(app, services);
  realtimeRoutes(app, services);
  streamRoutes(app, services);
  inputStreamRoutes(app, services);
  envVarRoutes(app, services);
  runLogRoutes(app, services);
  devSessionRoutes(app, services, temporal);
  deploymentRoutes(app, services);
  return app;
}
