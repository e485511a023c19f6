/**
 * Routes for the CLI with a personal access token (`tr_pat_…`), for members of the project's organisation.
 *
 * `GET /api/v1/projects/{ref}/{env}` with a personal access token (`tr_pat_…`): a deployed (or development)
 * environment's secret key, for `stint deploy` after `stint login`, as Trigger.dev's CLI gets a project's environment
 * (`getProjectEnv`: `{ apiKey, name, apiUrl, projectId }`). The token's user must belong to the project's organisation;
 * the answer names the user, to whom the CLI attributes what it does with the key.
 *
 * `GET /api/v1/projects/{ref}/deployments`: each deployed environment's current and latest deployment (`stint status`).
 */
import { userOfAccessToken } from "../../auth/access-tokens.js";
import { projectRefSchema } from "../../tenancy/resolve-project.js";
import { ApiError, notFound } from "../api-error.js";
import type { ApiApp, ApiServices } from "../services.js";
import { parseValue } from "../validation.js";

const ENVIRONMENT_TYPES = { dev: "DEVELOPMENT", staging: "STAGING", prod: "PRODUCTION", preview: "PREVIEW" } as const;

/** The user a personal access token acts for (a 401 naming the fix otherwise). */
async function userOf(services: ApiServices, header: string | undefined): Promise<{ id: string; email: string }> {
  const token = /^Bearer\s+(\S+)$/i.exec(header ?? "")?.[1];
  const user = token ? await userOfAccessToken(services.db, token) : undefined;
  if (!user) {
    throw new ApiError(401, "This endpoint needs a personal access token: `Authorization: Bearer tr_pat_…` (run `stint login`, or create one on the dashboard under Access tokens)");
  }
  return user;
}

export function projectEnvironmentRoutes(app: ApiApp, services: ApiServices): void {
  app.get("/api/v1/projects/:projectRef/:env{dev|staging|prod|preview}", async (c) => {
    const user = await userOf(services, c.req.header("authorization"));
    const ref = parseValue(projectRefSchema, c.req.param("projectRef"), "projectRef");
    const type = ENVIRONMENT_TYPES[c.req.param("env") as keyof typeof ENVIRONMENT_TYPES];
    const project = await services.db.project.findUnique({
      where: { ref },
      include: { organization: { include: { members: { where: { userId: user.id } } } }, environments: { where: { type } } },
    });
    if (!project || project.organization.members.length === 0) throw notFound(`Project ${ref} (among your organisations' projects)`);
    const env = project.environments[0];
    if (!env) throw notFound(`The ${c.req.param("env")} environment of project ${ref}`);
    let apiKey: string | undefined;
    try {
      apiKey = env.secretKeySealed ? services.secretBox.open(env.secretKeySealed) : undefined;
    } catch {
      apiKey = undefined;
    }
    if (!apiKey) {
      throw new ApiError(
        409,
        `The ${c.req.param("env")} secret key of project ${ref} is stored only as a hash, so it cannot be handed out: rotate it once on the dashboard (API keys), or pass it with TRIGGER_SECRET_KEY`,
      );
    }
    return c.json({ apiKey, name: env.slug, apiUrl: services.publicUrl(), projectId: project.id, environmentId: env.id, user: { email: user.email } });
  });

  /** `stint status`: each deployed environment's current version and its latest deployment. */
  app.get("/api/v1/projects/:projectRef/deployments", async (c) => {
    const user = await userOf(services, c.req.header("authorization"));
    const ref = parseValue(projectRefSchema, c.req.param("projectRef"), "projectRef");
    const project = await services.db.project.findUnique({
      where: { ref },
      include: { organization: { include: { members: { where: { userId: user.id } } } }, environments: { where: { type: { not: "DEVELOPMENT" } }, orderBy: { type: "asc" } } },
    });
    if (!project || project.organization.members.length === 0) throw notFound(`Project ${ref} (among your organisations' projects)`);
    const environments = await Promise.all(
      project.environments.map(async (env) => {
        const [current, latest] = await Promise.all([
          services.db.currentDeployment.findUnique({ where: { environmentId: env.id }, include: { deployment: true } }),
          services.db.deployment.findFirst({ where: { environmentId: env.id }, orderBy: { createdAt: "desc" } }),
        ]);
        const brief = (d: NonNullable<typeof latest>) => ({ id: d.id, version: d.version, shortCode: d.shortCode, status: d.status, createdBy: d.createdBy, createdAt: d.createdAt, deployedAt: d.deployedAt });
        return {
          id: env.id,
          type: env.type,
          slug: env.slug,
          current: current ? { ...brief(current.deployment), promotedBy: current.promotedBy, since: current.updatedAt, tasks: taskCount(current.deployment.manifest) } : null,
          latest: latest ? brief(latest) : null,
        };
      }),
    );
    return c.json({ project: { ref: project.ref, name: project.name }, environments });
  });
}

function taskCount(manifest: unknown): number {
  return (manifest as { tasks?: unknown[] } | null)?.tasks?.length ?? 0;
}
