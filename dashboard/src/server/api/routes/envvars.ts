/** Environment variables of the key's own environment (`/api/v1/projects/{ref}/envvars/{env}`), encrypted at rest. */
import { z } from "zod";
import type { Context } from "hono";
import { newId } from "../../auth/secrets.js";
import { ApiError, notFound } from "../api-error.js";
import type { ApiApp, ApiEnv, ApiServices } from "../services.js";
import { parseBody } from "../validation.js";

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,255}$/;
const name = z
  .string()
  .regex(NAME, "name must be letters, digits and _ (not starting with a digit), e.g. DATABASE_URL");
const createSchema = z.object({
  name,
  value: z.string().max(64 * 1024, "value is at most 64 KB"),
  isSecret: z.boolean().optional(),
});
const updateSchema = z.object({ value: z.string().max(64 * 1024, "value is at most 64 KB") });
const importSchema = z.object({
  variables: z
    .record(z.string().max(64 * 1024))
    .refine((v) => Object.keys(v).every((k) => NAME.test(k)), "variables: every name must be letters, digits and _"),
  override: z.boolean().optional(),
});

export function envVarRoutes(app: ApiApp, services: ApiServices): void {
  const { db, secretBox } = services;

  /** A key manages only its own environment's variables; anything else does not exist for it. */
  const target = (c: Context<ApiEnv>) => {
    const env = c.get("env");
    // Task code knows its environment by id (the engine's environment slug), a user by its slug: both name it.
    const named = c.req.param("slug") === env.slug || c.req.param("slug") === env.id;
    if (c.req.param("projectRef") !== env.projectRef || !named)
      throw notFound(`Environment ${c.req.param("slug")} of project ${c.req.param("projectRef")}`);
    return env;
  };
  const base = "/api/v1/projects/:projectRef/envvars/:slug";
  // Secret variables are write-only through the API, as in Trigger.dev: their values come back redacted.
  const present = (row: { key: string; value: string; isSecret: boolean }) => ({
    name: row.key,
    value: row.isSecret ? "<redacted>" : secretBox.open(row.value),
    isSecret: row.isSecret,
  });

  app.get(base, async (c) => {
    const env = target(c);
    const rows = await db.environmentVariable.findMany({ where: { environmentId: env.id }, orderBy: { key: "asc" } });
    return c.json(rows.map(present));
  });

  app.post(base, async (c) => {
    const env = target(c);
    const body = await parseBody(c, createSchema);
    const exists = await db.environmentVariable.findUnique({
      where: { environmentId_key: { environmentId: env.id, key: body.name } },
    });
    if (exists)
      throw new ApiError(
        409,
        `${body.name} already exists: update it with PUT ${base.replace(":projectRef", env.projectRef).replace(":slug", env.slug)}/${body.name}`,
      );
    await db.environmentVariable.create({
      data: {
        id: newId("envvar_"),
        environmentId: env.id,
        key: body.name,
        value: secretBox.seal(body.value),
        isSecret: body.isSecret ?? false,
      },
    });
    return c.json({ success: true });
  });

  app.post(`${base}/import`, async (c) => {
    const env = target(c);
    const body = await parseBody(c, importSchema);
    await db.$transaction(
      Object.entries(body.variables).map(([key, value]) =>
        db.environmentVariable.upsert({
          where: { environmentId_key: { environmentId: env.id, key } },
          create: { id: newId("envvar_"), environmentId: env.id, key, value: secretBox.seal(value) },
          // Without override, existing values stay.
          update: body.override ? { value: secretBox.seal(value) } : {},
        }),
      ),
    );
    return c.json({ success: true });
  });

  app.get(`${base}/:name`, async (c) => {
    const env = target(c);
    const row = await db.environmentVariable.findUnique({
      where: { environmentId_key: { environmentId: env.id, key: c.req.param("name") } },
    });
    if (!row) throw notFound(`Environment variable ${c.req.param("name")}`);
    return c.json(present(row));
  });

  app.put(`${base}/:name`, async (c) => {
    const env = target(c);
    const body = await parseBody(c, updateSchema);
    const updated = await db.environmentVariable.updateMany({
      where: { environmentId: env.id, key: c.req.param("name") },
      data: { value: secretBox.seal(body.value) },
    });
    if (updated.count === 0) throw notFound(`Environment variable ${c.req.param("name")}`);
    return c.json({ success: true });
  });

  app.delete(`${base}/:name`, async (c) => {
    const env = target(c);
    const deleted = await db.environmentVariable.deleteMany({
      where: { environmentId: env.id, key: c.req.param("name") },
    });
    if (deleted.count === 0) throw notFound(`Environment variable ${c.req.param("name")}`);
    return c.json({ success: true });
  });
}
