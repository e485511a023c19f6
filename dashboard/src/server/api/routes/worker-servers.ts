/**
 * `/api/v1/worker/*`: what supervisors on worker servers call, authenticated with their group's worker token
 * (`Authorization: Bearer tr_wgt_…`), never with an environment's secret key. A supervisor fetches its group's
 * settings (where Temporal is, which task queue to poll), registers, heartbeats (the Workers page shows it Connected
 * while it does), ships the logs of the runs it executes and fetches what an execution needs: the environment's
 * variables, the deployment's bundle, and payloads and outputs kept in the object store.
 */
import { Hono } from "hono";
import { z } from "zod";
import { newId } from "../../auth/secrets.js";
import { workerGroupFromAuthorization, type AuthenticatedWorkerGroup } from "../../workers/worker-authenticator.js";
import { workerGroupTaskQueue } from "../../workers/worker-tokens.js";
import { isRelayedRequest } from "../../workers/relayed-runs.js";
import { DEFAULT_WORKER_GROUP } from "../../workers/worker-groups.js";
import { ApiError, errorResponse, notFound } from "../api-error.js";
import { ownedRun } from "../ownership.js";
import type { ApiApp, ApiServices } from "../services.js";
import { parseBody } from "../validation.js";
import type { DevSessionTemporal } from "./dev-sessions.js";
import { workerBundleRoute } from "./worker-bundles.js";
import { workerPacketRoutes } from "./worker-packets.js";
import { deployedEnvironment, type WorkerApiEnv } from "./worker-environment.js";

/** How often supervisors heartbeat; the Workers page shows a server Disconnected after missing several. */
export const WORKER_HEARTBEAT_INTERVAL_MS = 5_000;

const serverNameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/,
    "name: 1 to 63 letters, digits, dots, dashes or underscores (the server's name, unique in its group)",
  );
const versionsSchema = z.array(z.string().max(300)).max(1000).default([]);

const registerSchema = z.object({
  name: serverNameSchema,
  capacity: z.number().int("capacity: a whole number of attempts").min(1, "capacity: at least 1").max(10_000),
  executor: z.enum(["docker", "process"], { message: "executor: docker or process" }),
  versions: versionsSchema,
});

const heartbeatSchema = z.object({
  running: z.number().int().min(0),
  capacity: z.number().int().min(1).max(10_000).optional(),
  versions: versionsSchema,
});

const logsSchema = z.object({
  logs: z
    .array(
      z.object({
        environmentId: z.string().min(1).max(100),
        runId: z.string().regex(/^run_[a-z0-9]+$/i, 'runId: expected "run_…"'),
        attempt: z.number().int().min(1).optional(),
        level: z.enum(["debug", "log", "info", "warn", "error"]),
        message: z.string().max(64 * 1024),
        attributes: z.record(z.unknown()).optional(),
        time: z.coerce.date(),
      }),
    )
    .max(1000, "at most 1000 log lines per request"),
});

export function workerRoutes(app: ApiApp, services: ApiServices, temporal: DevSessionTemporal): void {
  const worker = new Hono<WorkerApiEnv>();
  worker.onError((error, c) => errorResponse(error, c));
  worker.use("*", async (c, next) => {
    // A run's relayed management call acts for its environment, never as the supervisor.
    if (isRelayedRequest((name) => c.req.header(name)))
      throw new ApiError(403, "The worker API cannot be called through a run's relay");
    c.set("workerGroup", await workerGroupFromAuthorization(services.db, c.req.header("authorization")));
    await next();
  });

  const settings = async (group: AuthenticatedWorkerGroup) => ({
    group: { id: group.id, name: group.name },
    taskQueue: workerGroupTaskQueue(group.name),
    temporal,
    heartbeatIntervalMs: WORKER_HEARTBEAT_INTERVAL_MS,
    deployments: await currentDeployments(services, group),
  });

  worker.get("/settings", async (c) => c.json(await settings(c.get("workerGroup"))));

  worker.post("/servers", async (c) => {
    const group = c.get("workerGroup");
    const body = await parseBody(c, registerSchema);
    const now = new Date();
    const data = {
      capacity: body.capacity,
      executor: body.executor,
      versions: body.versions,
      running: 0,
      lastHeartbeatAt: now,
      connectedAt: now,
      disconnectedAt: null,
    };
    const server = await services.db.workerServer.upsert({
      where: { groupId_name: { groupId: group.id, name: body.name } },
      create: { id: newId("ws_"), groupId: group.id, name: body.name, ...data },
      update: data,
    });
    return c.json({ server: { id: server.id, name: server.name }, ...(await settings(group)) });
  });

  worker.post("/servers/:name/heartbeat", async (c) => {
    const group = c.get("workerGroup");
    const body = await parseBody(c, heartbeatSchema);
    const updated = await services.db.workerServer.updateMany({
      where: { groupId: group.id, name: c.req.param("name") },
      data: {
        running: body.running,
        versions: body.versions,
        lastHeartbeatAt: new Date(),
        disconnectedAt: null,
        ...(body.capacity ? { capacity: body.capacity } : {}),
      },
    });
    if (updated.count === 0)
      throw notFound(`Worker server ${c.req.param("name")} (register it first: POST /api/v1/worker/servers)`);
    return c.json(await settings(group));
  });

  worker.post("/servers/:name/disconnect", async (c) => {
    const group = c.get("workerGroup");
    await services.db.workerServer.updateMany({
      where: { groupId: group.id, name: c.req.param("name") },
      data: { disconnectedAt: new Date(), running: 0 },
    });
    return c.json({ ok: true });
  });

  /** The variables task code of a deployed environment sees (dashboard / `envvars.*`), decrypted for the runner. */
  worker.get("/environments/:environmentId/variables", async (c) => {
    const env = await deployedEnvironment(services, c.req.param("environmentId"), c.get("workerGroup"));
    const rows = await services.db.environmentVariable.findMany({
      where: { environmentId: env.id },
      orderBy: { key: "asc" },
    });
    return c.json({ variables: Object.fromEntries(rows.map((row) => [row.key, services.secretBox.open(row.value)])) });
  });

  /** Logs of the runs a supervisor executes: only lines of runs of the named (deployed) environment are kept. */
  worker.post("/runs/logs", async (c) => {
    const body = await parseBody(c, logsSchema, { replaceNul: true });
    const skipped: { runId: string; error: string }[] = [];
    const accepted: typeof body.logs = [];
    const checked = new Map<string, boolean>();
    for (const line of body.logs) {
      const key = `${line.environmentId}/${line.runId}`;
      if (!checked.has(key))
        checked.set(
          key,
          await runOfEnvironment(services, line.environmentId, line.runId, c.get("workerGroup")).then(
            () => true,
            (error) => {
              if (!(error instanceof ApiError) || error.status !== 404) throw error;
              skipped.push({ runId: line.runId, error: error.message });
              return false;
            },
          ),
        );
      if (checked.get(key)) accepted.push(line);
    }
    await services.events.append(accepted.map((line) => ({ ...line, kind: "log" as const })));
    return c.json({ accepted: accepted.length, ...(skipped.length > 0 ? { skipped } : {}) });
  });

  workerBundleRoute(worker, services);
  workerPacketRoutes(worker, services);
  worker.all("*", (c) => {
    throw notFound(`${c.req.method} ${new URL(c.req.url).pathname}`);
  });

  app.route("/api/v1/worker", worker as unknown as ApiApp);
}

/**
 * The current deployment of each deployed environment whose attempts the group runs (every one is in the default
 * group for now): its supervisors keep runners of these versions warm.
 */
async function currentDeployments(services: ApiServices, group: AuthenticatedWorkerGroup) {
  if (group.name !== DEFAULT_WORKER_GROUP) return [];
  const rows = await services.db.currentDeployment.findMany({
    select: { environmentId: true, deployment: { select: { version: true } } },
    orderBy: { environmentId: "asc" },
  });
  return rows.map((row) => ({ environmentId: row.environmentId, version: row.deployment.version }));
}

async function runOfEnvironment(
  services: ApiServices,
  environmentId: string,
  runId: string,
  group: AuthenticatedWorkerGroup,
): Promise<void> {
  const env = await deployedEnvironment(services, environmentId, group).catch((error) => {
    throw error instanceof ApiError ? notFound(`Run ${runId}`) : error;
  });
  const indexed = await services.db.taskRun.findFirst({
    where: { id: runId, environmentId: env.id },
    select: { id: true },
  });
  if (!indexed) await ownedRun(services.engines.for(env), env, runId, services.db);
}
