/** Schedules: CRUD, activate/deactivate, and the timezones they accept. */
import { z } from "zod";
import type { ApiApp, ApiServices } from "../services.js";
import { listedTimezones } from "../../schedules/timezones.js";
import { parseBody, parseValue, taskIdParam } from "../validation.js";

const scheduleFields = {
  task: z.string().min(1, "task is required: the id of the task to run"),
  cron: z.string().min(1, 'cron is required, e.g. "0 9 * * 1"'),
  timezone: z.string().optional(),
  externalId: z.string().max(256).optional(),
};
const createSchema = z.object({
  ...scheduleFields,
  deduplicationKey: z
    .string()
    .min(1, "deduplicationKey is required: creating again with it updates the schedule")
    .max(256),
});
const updateSchema = z.object(scheduleFields);
const listSchema = z.object({
  page: z.coerce.number().int().min(1).default(1),
  perPage: z.coerce.number().int().min(1).max(100, "perPage is at most 100").default(20),
});

export function scheduleRoutes(app: ApiApp, services: ApiServices): void {
  const { schedules } = services;

  app.post("/api/v1/schedules", async (c) => {
    const body = await parseBody(c, createSchema);
    return c.json(await schedules.create(c.get("env"), { ...body, task: taskIdParam(body.task) }));
  });
  app.get("/api/v1/schedules", async (c) => {
    const query = parseValue(listSchema, c.req.query(), "query");
    return c.json(await schedules.list(c.get("env"), query.page, query.perPage));
  });
  app.get("/api/v1/schedules/:id", async (c) =>
    c.json(await schedules.present(c.get("env"), await schedules.get(c.get("env"), c.req.param("id")))),
  );
  app.put("/api/v1/schedules/:id", async (c) => {
    const body = await parseBody(c, updateSchema);
    return c.json(await schedules.update(c.get("env"), c.req.param("id"), { ...body, task: taskIdParam(body.task) }));
  });
  app.delete("/api/v1/schedules/:id", async (c) => c.json(await schedules.delete(c.get("env"), c.req.param("id"))));
  app.post("/api/v1/schedules/:id/activate", async (c) =>
    c.json(await schedules.setActive(c.get("env"), c.req.param("id"), true)),
  );
  app.post("/api/v1/schedules/:id/deactivate", async (c) =>
    c.json(await schedules.setActive(c.get("env"), c.req.param("id"), false)),
  );
}

/** Mounted without authentication, as in Trigger.dev: the SDK asks for timezones without a key. */
export function timezonesRoute(app: ApiApp): void {
  app.get("/api/v1/timezones", (c) => c.json({ timezones: listedTimezones() }));
}
