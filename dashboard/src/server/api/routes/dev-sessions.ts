/**
 * `stint dev` sessions: a session registers the tasks it serves and learns where to poll. Runs of a task wait in
 * its development queue until a session that registered it polls them, so sessions never take each other's runs.
 */
import { z } from "zod";
import { resolveAttemptQueue } from "@stint/temporal-workers";
import { newId } from "../../auth/secrets.js";
import { attemptQueueFor } from "../../engine/environment-engines.js";
import { ApiError, notFound } from "../api-error.js";
import type { ApiApp, ApiServices } from "../services.js";
import { parseBody, taskIdParam } from "../validation.js";

const registerSchema = z.object({
  tasks: z.array(z.string()).max(1000, "at most 1000 tasks per session"),
  /** Schedules declared in code (schedules.task({ cron })): kept as DECLARATIVE schedules of the environment. */
  schedules: z.array(z.object({ task: z.string(), cron: z.string(), timezone: z.string().optional() })).max(1000).default([]),
  /** Queues declared in code with their limits: the engine enforces them. */
  queues: z
    .array(z.object({
        name: z.string().min(1).max(200),
        type: z.enum(["task", "custom"]),
        concurrencyLimit: z.number().int().min(0).max(100_000).nullable(),
        tasks: z.array(z.string()).max(1000).default([]),
      }),)
    .max(1000)
    .default([]),
  /** The project's `retries.enabledInDev`: runs of the session's tasks retry only when it is true (as in Trigger.dev). */
  retriesEnabledInDev: z.boolean().default(false),
});

const heartbeatSchema = z.object({
  /** Whether the session reaches Temporal (sessions before this field existed send nothing: assumed yes). */
  temporal: z.object({ reachable: z.boolean() }).optional(),
});

export interface DevSessionTemporal {
  address: string;
  namespace: string;
}

export function devSessionRoutes(app: ApiApp, services: ApiServices, temporal: DevSessionTemporal): void {
  app.post("/engine/v1/dev/sessions", async (c) => {
    const env = c.get("env");
    if (env.type !== "DEVELOPMENT") throw new ApiError(403, "stint dev needs a development secret key (tr_dev_…); this key belongs to a deployed environment");
    const body = await parseBody(c, registerSchema);
    const tasks = body.tasks.map(taskIdParam);
    const id = newId("session_");
    await services.db.devSession.create({ data: { id, environmentId: env.id, taskQueue: attemptQueueFor(env), tasks, retriesEnabledInDev: body.retriesEnabledInDev, lastHeartbeat: new Date() } });
    await services.queues.declare(env, body.queues);
    for (const schedule of body.schedules) {
      if (!tasks.includes(schedule.task)) throw new ApiError(400, `schedules: ${schedule.task} is not among the session's tasks`);
      await services.schedules.create(env, { task: schedule.task, cron: schedule.cron, timezone: schedule.timezone, deduplicationKey: `declarative:${schedule.task}` }, "DECLARATIVE");
    }
    return c.json({
      id,
      environment: { id: env.id, type: env.type, projectRef: env.projectRef },
      temporal,
      attemptQueues: Object.fromEntries(tasks.map((task) => [task, resolveAttemptQueue(attemptQueueFor(env), task)])),
    });
  });

  app.post("/engine/v1/dev/sessions/:sessionId/heartbeat", async (c) => {
    const env = c.get("env");
    const body = await parseBody(c, heartbeatSchema);
    const data = { lastHeartbeat: new Date(), temporalReachable: body.temporal?.reachable ?? true };
    const updated = await services.db.devSession.updateMany({ where: { id: c.req.param("sessionId"), environmentId: env.id }, data });
    if (updated.count === 0) throw notFound(`Dev session ${c.req.param("sessionId")}`);
    // Where Temporal is now: a session that lost it reconnects to this address (it may have changed).
    return c.json({ ok: true, temporal });
  });
}
