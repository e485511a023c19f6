/** The dashboard's Deployments page: an environment's versions (version, tasks, status, who, when) and promote. */
import type { Context, Hono } from "hono";
import type { AuthenticatedEnvironment } from "../auth/authenticate.js";
import type { ApiServices } from "../api/services.js";
import type { DeploymentManifest } from "../deployments/index.js";
import type { SessionUser } from "../auth/user-sessions.js";

type UiEnv = { Variables: { user: SessionUser } };

export function deploymentUiRoutes(
  app: Hono<UiEnv>,
  services: ApiServices,
  envOf: (c: Context<UiEnv>) => Promise<AuthenticatedEnvironment>,
): void {
  app.get("/environments/:envId/deployments", async (c) => {
    const env = await envOf(c);
    const { deployments, current } = await services.deployments.list(env, { limit: 100 });
    return c.json({
      deployable: env.type !== "DEVELOPMENT",
      current: current && {
        deploymentId: current.deploymentId,
        promotedBy: current.promotedBy,
        since: current.updatedAt,
      },
      deployments: deployments.map((deployment) => ({
        id: deployment.id,
        version: deployment.version,
        shortCode: deployment.shortCode,
        status: deployment.status,
        tasks: ((deployment.manifest as DeploymentManifest | null)?.tasks ?? []).map((task) => task.id),
        createdBy: deployment.createdBy,
        createdAt: deployment.createdAt,
        deployedAt: deployment.deployedAt,
        error: (deployment.errorData as { message?: string } | null)?.message,
        isCurrent: deployment.id === current?.deploymentId,
      })),
    });
  });

  app.post("/environments/:envId/deployments/:version/promote", async (c) => {
    const env = await envOf(c);
    const deployment = await services.deployments.promote(env, c.req.param("version"), c.get("user").email);
    return c.json({ id: deployment.id, version: deployment.version, shortCode: deployment.shortCode });
  });
}
