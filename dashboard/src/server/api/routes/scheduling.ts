/**
 * Scheduling settings the dispatcher enforces beyond a queue's pause and limit:
 * - `GET|POST /api/v1/environment/scheduling` (the environment's secret key, for its own environment): concurrency
 *   limit, burst factor, weight among its organisation's environments;
 * - `GET|POST /api/v1/orgs/{org}/scheduling` (a personal access token of a member; changes need an admin):
 *   the organisation's limit across its environments and its weight among organisations. `{org}` is its slug or id.
 * Queue settings (per-key limit, rate limits) are under the queues routes.
 */
import { environmentSettingsSchema, organizationSettingsSchema } from "@stint/temporal-workers";
import { ApiError, notFound } from "../api-error.js";
import type { ApiApp, ApiServices } from "../services.js";
import { parseBody } from "../validation.js";
import { userOf } from "./project-environments.js";

const NOTHING_TO_CHANGE = (fields: string) => `body: send at least one of ${fields}`;

/** Personal access tokens, not environment keys: registered before the key authentication. */
export function organizationSchedulingRoutes(app: ApiApp, services: ApiServices): void {
  const memberOrg = async (header: string | undefined, org: string) => {
    const user = await userOf(services, header);
    const member = await services.db.orgMember.findFirst({
      where: { userId: user.id, organization: { OR: [{ slug: org }, { id: org }] } },
      select: { role: true, organizationId: true },
    });
    if (!member) throw notFound(`Organisation ${org} (among your organisations)`);
    return member;
  };
  app.get("/api/v1/orgs/:org/scheduling", async (c) => {
    const member = await memberOrg(c.req.header("authorization"), c.req.param("org"));
    return c.json(await services.scheduling.organization(member.organizationId));
  });
  app.post("/api/v1/orgs/:org/scheduling", async (c) => {
    const member = await memberOrg(c.req.header("authorization"), c.req.param("org"));
    const body = await parseBody(c, organizationSettingsSchema);
    if (Object.keys(body).length === 0) throw new ApiError(400, NOTHING_TO_CHANGE("concurrencyLimit, weight"));
    if (member.role !== "ADMIN") throw new ApiError(403, "Only organisation admins can change its scheduling settings");
    return c.json(await services.scheduling.setOrganization(member.organizationId, body));
  });
}

export function environmentSchedulingRoutes(app: ApiApp, services: ApiServices): void {
  app.get("/api/v1/environment/scheduling", async (c) =>
    c.json(await services.scheduling.environment(c.get("env").id)),
  );
  app.post("/api/v1/environment/scheduling", async (c) => {
    const body = await parseBody(c, environmentSettingsSchema);
    if (Object.keys(body).length === 0)
      throw new ApiError(400, NOTHING_TO_CHANGE("concurrencyLimit, burstFactor, weight"));
    return c.json(await services.scheduling.setEnvironment(c.get("env"), body));
  });
}
