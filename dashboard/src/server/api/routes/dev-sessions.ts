/**
 * `stint dev` sessions: a session registers the tasks it serves (again after each reload), heartbeats, and ends. It
 * polls one attempt queue of its own; the engine routes each execution of a development run to the newest live
 * session that registered its task (see dev-sessions/session-router), so sessions never take each other's runs and a
 * run of a task no session has waits QUEUED, saying why, until one registers it.
 */
import type { Context } from "hono";
import { z } from "zod";
import { sessionAttemptQueue } from "@stint/temporal-workers";
import { newId } from "../../auth/secrets.js";
import type { AuthenticatedEnvironment } from "../../auth/authenticate.js";
import { clashesOfSession } from "../../dev-sessions/session-clashes.js";
import { ApiError, notFound } from "../api-error.js";
import type { ApiApp, ApiEnv, ApiServices } from "../services.js";
import { parseBody, taskIdParam } from "../validation.js";

const registerSchema = z.object({
  tasks: z.array(z.string()).max(1000, "at most 1000 tasks per session"),
  /** Task id → hash of its code: sessions serving one task with different code are warned. */
  taskVersions: z.record(z.string().max(128)).default({}),
  /** Where the session runs (host and folder), shown in warnings and on the Workers page. */
  label: z.string().max(300).optional(),
  /** The `project` of the session's trigger.config.ts: it must be the key's project. */
  projectRef: z.string().max(100).optional(),
  /** Schedules declared in code (schedules.task({ cron })): kept as DECLARATIVE schedules of the environment. */
  schedules: z
    .array(z.object({ task: z.string(), cron: z.string(), timezone: z.string().optional() }))
    .max(1000)
    .default([]),
  /** Queues declared in code with their limits: the engine enforces them. */
  queues: z
    .array(
      z.object({
        name: z.string().min(1).max(200),
        type: z.enum(["task", "custom"]),
        concurrencyLimit: z.number().int().min(0).max(100_000).nullable(),
        tasks: z.array(z.string()).max(1000).default([]),
      }),
    )
    .max(1000)
    .default([]),
  /** The project's `retries.enabledInDev`: runs of the session's tasks retry only when it is true (as in Trigger.dev). */
  retriesEnabledInDev: z.boolean().default(false),
});
type Registration = z.infer<typeof registerSchema>;

const heartbeatSchema = z.object({
  /** Whether the session reaches Temporal (sessions before this field existed send nothing: assumed yes). */
  temporal: z.object({ reachable: z.boolean() }).optional(),
});

export interface DevSessionTemporal {
  address: string;
  namespace: string;
}

/** How many waiting runs a registration wakes at once (others find their session at their next retry). */
const WAKE_LIMIT = 1000;

export function devSessionRoutes(app: ApiApp, services: ApiServices, temporal: DevSessionTemporal): void {
  const { db } = services;

  const parseRegistration = async (c: Context<ApiEnv>) => {
    const env = c.get("env");
    if (env.type !== "DEVELOPMENT")
      throw new ApiError(
        403,
        "stint dev needs a development secret key (tr_dev_…); this key belongs to a deployed environment",
      );
    const body = await parseBody(c, registerSchema);
    if (body.projectRef && body.projectRef !== env.projectRef) {
      throw new ApiError(
        409,
        `projectRef: this secret key belongs to project ${env.projectRef}, but trigger.config.ts names project ${body.projectRef}. ` +
          `Use a development key of ${body.projectRef}, or set TRIGGER_ACCESS_TOKEN (a personal access token, in .stint/dev.env after npm start) so stint dev finds or creates ${body.projectRef}, ` +
          `or set project: "${env.projectRef}" in trigger.config.ts.`,
      );
    }
    return { env, body, tasks: body.tasks.map(taskIdParam) };
  };

  /** Queues, declared schedules, and a wake-up for runs that waited for these tasks. */
  const applyRegistration = async (env: AuthenticatedEnvironment, body: Registration, tasks: string[]) => {
    await services.queues.declare(env, body.queues);
    for (const schedule of body.schedules) {
      if (!tasks.includes(schedule.task))
        throw new ApiError(400, `schedules: ${schedule.task} is not among the session's tasks`);
      await services.schedules.create(
        env,
        {
          task: schedule.task,
          cron: schedule.cron,
          timezone: schedule.timezone,
          deduplicationKey: `declarative:${schedule.task}`,
        },
        "DECLARATIVE",
      );
    }
    const waiting = await db.taskRun.findMany({
      where: { environmentId: env.id, status: "QUEUED", taskIdentifier: { in: tasks } },
      select: { id: true },
      orderBy: { createdAt: "desc" },
      take: WAKE_LIMIT,
    });
    void services.engines.for(env).attemptRoutesChanged(waiting.map((run) => run.id));
  };

  const answer = async (env: AuthenticatedEnvironment, session: { id: string; taskQueue: string }) => ({
    id: session.id,
    environment: { id: env.id, type: env.type, slug: env.slug, projectRef: env.projectRef },
    temporal,
    attemptQueue: session.taskQueue,
    clashes: await clashesOfSession(db, env.id, session.id),
  });

  app.post("/engine/v1/dev/sessions", async (c) => {
    const { env, body, tasks } = await parseRegistration(c);
    const id = newId("session_");
    const session = await db.devSession.create({
      data: {
        id,
        environmentId: env.id,
        taskQueue: sessionAttemptQueue(id),
        tasks,
        taskVersions: body.taskVersions,
        label: body.label,
        retriesEnabledInDev: body.retriesEnabledInDev,
        lastHeartbeat: new Date(),
      },
    });
    await applyRegistration(env, body, tasks);
    return c.json(await answer(env, session));
  });

  /** A reload: the same session (and queue) with the project's tasks as they are now. */
  app.post("/engine/v1/dev/sessions/:sessionId", async (c) => {
    const { env, body, tasks } = await parseRegistration(c);
    const where = { id: c.req.param("sessionId"), environmentId: env.id, endedAt: null };
    const updated = await db.devSession.updateMany({
      where,
      data: {
        tasks,
        taskVersions: body.taskVersions,
        label: body.label,
        retriesEnabledInDev: body.retriesEnabledInDev,
        lastHeartbeat: new Date(),
      },
    });
    if (updated.count === 0)
      throw notFound(
        `Dev session ${c.req.param("sessionId")} (it ended, or belongs to another environment): register a new one`,
      );
    await applyRegistration(env, body, tasks);
    return c.json(await answer(env, await db.devSession.findUniqueOrThrow({ where: { id: where.id } })));
  });

  app.post("/engine/v1/dev/sessions/:sessionId/heartbeat", async (c) => {
    const env = c.get("env");
    const sessionId = c.req.param("sessionId");
    const body = await parseBody(c, heartbeatSchema);
    const data = { lastHeartbeat: new Date(), temporalReachable: body.temporal?.reachable ?? true };
    const updated = await db.devSession.updateMany({
      where: { id: sessionId, environmentId: env.id, endedAt: null },
      data,
    });
    if (updated.count === 0) throw notFound(`Dev session ${sessionId}`);
    // Where Temporal is now: a session that lost it reconnects to this address (it may have changed).
    return c.json({ ok: true, temporal, clashes: await clashesOfSession(db, env.id, sessionId) });
  });

  /** A session that stops: no more runs go to it (those it was running are routed again when they retry). */
  app.post("/engine/v1/dev/sessions/:sessionId/end", async (c) => {
    const env = c.get("env");
    const ended = await db.devSession.updateMany({
      where: { id: c.req.param("sessionId"), environmentId: env.id, endedAt: null },
      data: { endedAt: new Date() },
    });
    if (ended.count === 0) throw notFound(`Dev session ${c.req.param("sessionId")}`);
    return c.json({ ok: true });
  });
}
