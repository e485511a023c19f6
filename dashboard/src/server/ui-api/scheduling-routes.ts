/**
 * The dashboard's Queues page, beyond pause and limit: a queue's per-key limit and rate limits, the environment's
 * limit, burst factor and weight, and its organisation's limit and weight (admins only), through the same services
 * as the REST API.
 */
import type { Context, Hono } from "hono";
import { z } from "zod";
import {
  environmentSettingsSchema,
  organizationSettingsSchema,
  queueConfigurationSchema,
} from "@stint/temporal-workers";
import type { AuthenticatedEnvironment } from "../auth/authenticate.js";
import type { ApiServices } from "../api/services.js";
import type { SessionUser } from "../auth/user-sessions.js";
import { parseBody } from "../api/validation.js";
import { requireAdmin } from "./membership.js";

type UiEnv = { Variables: { user: SessionUser } };

const queueSettingsSchema = queueConfigurationSchema.pick({
  concurrencyLimitPerKey: true,
  rateLimit: true,
  rateLimitPerKey: true,
});

export function schedulingUiRoutes(
  app: Hono<UiEnv>,
  services: ApiServices,
  envOf: (c: Context<UiEnv>) => Promise<AuthenticatedEnvironment & { role: string }>,
): void {
  app.get("/environments/:envId/scheduling", async (c) => {
    const env = await envOf(c);
    return c.json({
      environment: await services.scheduling.environment(env.id),
      organization: await services.scheduling.organization(env.organizationId),
      canEditOrganization: env.role === "ADMIN",
    });
  });

  app.post("/environments/:envId/scheduling", async (c) => {
    const env = await envOf(c);
    return c.json(await services.scheduling.setEnvironment(env, await parseBody(c, environmentSettingsSchema)));
  });

  app.post("/environments/:envId/organization-scheduling", async (c) => {
    const env = await envOf(c);
    requireAdmin(env);
    const body = await parseBody(c, organizationSettingsSchema);
    return c.json(await services.scheduling.setOrganization(env.organizationId, body));
  });

  app.post("/environments/:envId/queues/:queueId/settings", async (c) => {
    const env = await envOf(c);
    const body = await parseBody(c, z.object(queueSettingsSchema.shape).strict());
    return c.json(await services.queues.configure(env, { type: "id", value: c.req.param("queueId") }, body));
  });
}
