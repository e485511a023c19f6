/**
 * Routes for the CLI with a personal access token (`tr_pat_…`), for members of the project's organisation.
 *
 * `GET /api/v1/projects/{ref}/{env}` with a personal access token (`tr_pat_…`): a deployed (or development)
 * environment's secret key, for `stint deploy` after `stint login`, as Trigger.dev's CLI gets a project's environment
 * (`getProjectEnv`: `{ apiKey, name, apiUrl, projectId }`). The token's user must belong to the project's organisation;
 * the answer names the user, to whom the CLI attributes what it does with the key.
 *
 * `GET /api/v1/projects/{ref}/deployments`: each deployed environment's current and latest deployment.
 * `GET /api/v1/projects/{ref}/status`: what `stint status` shows — queues per environment, deployments, worker servers.
 */
import { userOfAccessToken } from "../../auth/access-tokens.js";
import { revealSecretKey } from "../../auth/reveal-secret-key.js";
import { listWorkerGroups } from "../../workers/worker-groups.js";
import { projectRefSchema } from "../../tenancy/resolve-project.js";
import { ApiError, notFound } from "../api-error.js";
import type { ApiApp, ApiServices } from "../services.js";
import { parseValue } from "../validation.js";

const ENVIRONMENT_TYPES = { dev: "DEVELOPMENT", staging: "STAGING", prod: "PRODUCTION", preview: "PREVIEW" } as const;

/** The user a personal access token acts for (a 401 naming the fix otherwise). */
export async function userOf(
  services: ApiServices,
  header: string | undefined,
): Promise<{ id: string; email: string }> {
  const token = /^Bearer\s+(\S+)$/i.exec(header ?? "")?.[1];
  const user = token ? await userOfAccessToken(services.db, token) : undefined;
  if (!user) {
    throw new ApiError(
      401,
      "This endpoint needs a personal access token: `Authorization: Bearer tr_pat_…` (run `stint login`, or create one on the dashboard under Access tokens)",
    );
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
      include: {
        organization: { include: { members: { where: { userId: user.id } } } },
        environments: { where: { type } },
      },
    });
    if (!project || project.organization.members.length === 0)
      throw notFound(`Project ${ref} (among your organisations' projects)`);
    const env = project.environments[0];
    if (!env) throw notFound(`The ${c.req.param("env")} environment of project ${ref}`);
    const apiKey = revealSecretKey(env.secretKeySealed, services.secretBox);
    if (!apiKey) {
      throw new ApiError(
        409,
        `The ${c.req.param("env")} secret key of project ${ref} is stored only as a hash, so it cannot be handed out: rotate it once on the dashboard (API keys), or pass it with TRIGGER_SECRET_KEY`,
      );
    }
    return c.json({
      apiKey,
      name: env.slug,
      apiUrl: services.publicUrl(),
      projectId: project.id,
      environmentId: env.id,
      user: { email: user.email },
    });
  });

  /** `stint status`: each deployed environment's current version and its latest deployment. */
  app.get("/api/v1/projects/:projectRef/deployments", async (c) => {
    const project = await memberProject(services, c.req.header("authorization"), c.req.param("projectRef"));
    const deployed = project.environments.filter((env) => env.type !== "DEVELOPMENT");
    const environments = await Promise.all(deployed.map((env) => environmentDeployments(services, env)));
    return c.json({ project: { ref: project.ref, name: project.name }, environments });
  });

  /**
   * `stint status`, the whole picture: per environment its limits and queues (queued and running runs, limit, paused,
   * rate limits, the busiest concurrency keys) and, for
   * deployed ones, the current and latest deployment; and the worker servers of every worker group (Connected or
   * not, running attempts / capacity).
   */
  app.get("/api/v1/projects/:projectRef/status", async (c) => {
    const project = await memberProject(services, c.req.header("authorization"), c.req.param("projectRef"));
    const environments = await Promise.all(
      project.environments.map(async (env) => {
        const authenticated = await services.auth.byId(env.id);
        const queues = authenticated ? (await services.queues.list(authenticated, 1, STATUS_QUEUES)).data : [];
        const deployments =
          env.type === "DEVELOPMENT" ? { current: null, latest: null } : await environmentDeployments(services, env);
        return {
          ...deployments,
          id: env.id,
          type: env.type,
          slug: env.slug,
          queues: queues.map((queue) => ({
            name: queue.name,
            type: queue.type,
            queued: queue.queued,
            running: queue.running,
            concurrencyLimit: queue.concurrencyLimit,
            paused: queue.paused,
            concurrencyLimitPerKey: queue.scheduling?.concurrencyLimitPerKey ?? null,
            rateLimit: queue.scheduling?.rateLimit ?? null,
            rateLimitPerKey: queue.scheduling?.rateLimitPerKey ?? null,
            keys: (queue.scheduling?.keys ?? []).slice(0, STATUS_KEYS),
          })),
          scheduling: await services.scheduling.environment(env.id),
        };
      }),
    );
    const workerGroups = (await listWorkerGroups(services.db)).map((group) => ({
      name: group.name,
      taskQueue: group.taskQueue,
      servers: group.servers.map((server) => ({
        name: server.name,
        connected: server.connected,
        running: server.running,
        capacity: server.capacity,
        executor: server.executor,
        lastHeartbeatAt: server.lastHeartbeatAt,
      })),
    }));
    return c.json({ project: { ref: project.ref, name: project.name }, environments, workerGroups });
  });
}

/** Queues listed per environment by `stint status` (the busiest projects have more: the dashboard lists them all). */
const STATUS_QUEUES = 100;
/** Concurrency keys shown per queue (the busiest). */
const STATUS_KEYS = 5;

/** The project `ref` names, if the token's user is a member of its organisation (else a 404), with its environments. */
async function memberProject(services: ApiServices, authorization: string | undefined, projectRef: string) {
  const user = await userOf(services, authorization);
  const ref = parseValue(projectRefSchema, projectRef, "projectRef");
  const project = await services.db.project.findUnique({
    where: { ref },
    include: {
      organization: { include: { members: { where: { userId: user.id } } } },
      environments: { orderBy: { type: "asc" } },
    },
  });
  if (!project || project.organization.members.length === 0)
    throw notFound(`Project ${ref} (among your organisations' projects)`);
  return project;
}

/** A deployed environment's current deployment (with who made it current, since when, its task count) and latest one. */
async function environmentDeployments(services: ApiServices, env: { id: string; type: string; slug: string }) {
  const [current, latest] = await Promise.all([
    services.db.currentDeployment.findUnique({ where: { environmentId: env.id }, include: { deployment: true } }),
    services.db.deployment.findFirst({ where: { environmentId: env.id }, orderBy: { createdAt: "desc" } }),
  ]);
  const brief = (d: NonNullable<typeof latest>) => ({
    id: d.id,
    version: d.version,
    shortCode: d.shortCode,
    status: d.status,
    createdBy: d.createdBy,
    createdAt: d.createdAt,
    deployedAt: d.deployedAt,
  });
  return {
    id: env.id,
    type: env.type,
    slug: env.slug,
    current: current
      ? {
          ...brief(current.deployment),
          promotedBy: current.promotedBy,
          since: current.updatedAt,
          tasks: taskCount(current.deployment.manifest),
        }
      : null,
    latest: latest ? brief(latest) : null,
  };
}

function taskCount(manifest: unknown): number {
  return (manifest as { tasks?: unknown[] } | null)?.tasks?.length ?? 0;
}
