/**
 * Deployments, in the shape of Trigger.dev's CLI API where it fits (initialize, background-workers, finalize, fail,
 * promote, get, latest), with the environment's secret key. The bundle upload is Stint's own: `PUT
 * /api/v1/deployments/{id}/bundle` takes the build's files (gzip-compressed JSON); Trigger.dev's CLI pushes an image
 * instead. See docs/deploying.md.
 */
import { z } from "zod";
import type { AuthenticatedEnvironment } from "../../auth/authenticate.js";
import {
  decodeBundleUpload,
  deploymentBundleSchema,
  deploymentManifestSchema,
  type Deployment,
  type DeploymentManifest,
} from "../../deployments/index.js";
import type { Context } from "hono";
import type { ApiApp, ApiEnv, ApiServices } from "../services.js";
import { parseBody, parseValue } from "../validation.js";
import { ApiError } from "../api-error.js";

const initializeSchema = z
  .object({
    contentHash: z.string({ required_error: "contentHash is required (a hash of the build)" }).min(1).max(128),
    /** Stint: who runs `stint deploy` (shown in the deployments list with the key it used). */
    deployedBy: z.string().max(100).optional(),
    /** The project trigger.config.ts names: it must be the key's. */
    projectRef: z.string().max(100).optional(),
  })
  .passthrough();

const backgroundWorkerSchema = z
  .object({ localOnly: z.boolean().optional(), metadata: deploymentManifestSchema })
  .passthrough();

const finalizeSchema = z
  .object({
    /** Trigger.dev's flag: deploy without making the version current (promote it later). */
    skipPromotion: z.boolean().optional(),
    /** The image `stint deploy --registry` pushed. */
    imageReference: z.string().max(500).optional(),
  })
  .passthrough();

const failSchema = z.object({
  error: z.object({
    name: z.string().max(200),
    message: z.string().max(10_000),
    stack: z.string().max(50_000).optional(),
  }),
});

const listSchema = z.object({ limit: z.coerce.number().int().min(1).max(100, "limit is at most 100").default(20) });

/** The deployment as Trigger.dev's GetDeploymentResponseBody has it, and Stint's fields (who, when, current). */
export function presentDeployment(deployment: Deployment, currentId: string | undefined) {
  const manifest = deployment.manifest as DeploymentManifest | null;
  return {
    id: deployment.id,
    status: deployment.status,
    contentHash: deployment.contentHash,
    shortCode: deployment.shortCode,
    version: deployment.version,
    imageReference: deployment.imageReference,
    imagePlatform: "linux/amd64",
    errorData: deployment.errorData,
    worker: manifest
      ? {
          id: deployment.id,
          version: deployment.version,
          tasks: manifest.tasks.map((task) => ({
            id: task.id,
            slug: task.id,
            filePath: task.filePath,
            exportName: task.exportName,
          })),
        }
      : undefined,
    isCurrent: deployment.id === currentId,
    createdBy: deployment.createdBy,
    createdAt: deployment.createdAt,
    deployedAt: deployment.deployedAt,
  };
}

/** What a secret key's deploys are attributed to: the CLI's user, and the key by its last characters. */
async function actorOf(
  services: ApiServices,
  env: AuthenticatedEnvironment,
  user: string | undefined,
): Promise<string> {
  const { secretKeyHint } = await services.db.runtimeEnvironment.findUniqueOrThrow({
    where: { id: env.id },
    select: { secretKeyHint: true },
  });
  return user ? `${user} (secret key …${secretKeyHint})` : `secret key …${secretKeyHint}`;
}

export function deploymentRoutes(app: ApiApp, services: ApiServices): void {
  const { deployments } = services;
  const currentId = async (env: AuthenticatedEnvironment) => (await deployments.current(env.id))?.id;

  app.post("/api/v1/deployments", async (c) => {
    const env = c.get("env");
    const body = await parseBody(c, initializeSchema);
    if (body.projectRef && body.projectRef !== env.projectRef) {
      throw new ApiError(
        409,
        `projectRef: this secret key belongs to project ${env.projectRef}, but trigger.config.ts names project ${body.projectRef}. ` +
          `Deploy with a key of ${body.projectRef}, or set project: "${env.projectRef}" in trigger.config.ts.`,
      );
    }
    const deployment = await deployments.initialize(env, {
      contentHash: body.contentHash,
      createdBy: await actorOf(services, env, body.deployedBy),
    });
    return c.json({
      id: deployment.id,
      contentHash: deployment.contentHash,
      shortCode: deployment.shortCode,
      version: deployment.version,
      imageTag: `${env.projectRef}:${deployment.version}`,
      imagePlatform: "linux/amd64",
      outcome: "created",
    });
  });

  app.get("/api/v1/deployments", async (c) => {
    const env = c.get("env");
    const query = parseValue(listSchema, c.req.query(), "query");
    const { deployments: rows, current } = await deployments.list(env, { limit: query.limit });
    return c.json({ data: rows.map((row) => presentDeployment(row, current?.deploymentId)) });
  });

  // Before /:deployment, which would take "latest" for a short code.
  app.get("/api/v1/deployments/latest", async (c) => {
    const env = c.get("env");
    const { deployments: rows, current } = await deployments.list(env, { limit: 1 });
    if (!rows[0]) return c.json({ error: "This environment has no deployments yet: run `stint deploy`" }, 404);
    const { worker: _worker, ...latest } = presentDeployment(rows[0], current?.deploymentId);
    return c.json(latest);
  });

  app.get("/api/v1/deployments/:deployment", async (c) => {
    const env = c.get("env");
    return c.json(presentDeployment(await deployments.get(env, c.req.param("deployment")), await currentId(env)));
  });

  app.post("/api/v1/deployments/:deployment/background-workers", async (c) => {
    const env = c.get("env");
    const body = await parseBody(c, backgroundWorkerSchema);
    const deployment = await deployments.recordManifest(env, c.req.param("deployment"), body.metadata);
    return c.json({ id: deployment.id, version: deployment.version, contentHash: deployment.contentHash });
  });

  app.put("/api/v1/deployments/:deployment/bundle", async (c) => {
    const env = c.get("env");
    const raw = new Uint8Array(await c.req.arrayBuffer());
    const bundle = parseValue(deploymentBundleSchema, decodeBundleUpload(raw, c.req.header("content-type")), "body");
    const { deployment, bytes } = await deployments.storeBundle(env, c.req.param("deployment"), bundle);
    return c.json({ id: deployment.id, version: deployment.version, files: bundle.files.length, storedBytes: bytes });
  });

  const finalize = async (c: Context<ApiEnv>) => {
    const env = c.get("env");
    const body = await parseBody(c, finalizeSchema);
    const deployment = await deployments.finalize(env, c.req.param("deployment")!, {
      promote: !body.skipPromotion,
      imageReference: body.imageReference,
    });
    return c.json(presentDeployment(deployment, await currentId(env)));
  };
  app.post("/api/v1/deployments/:deployment/finalize", finalize);
  app.post("/api/v2/deployments/:deployment/finalize", finalize);

  app.post("/api/v1/deployments/:deployment/fail", async (c) => {
    const env = c.get("env");
    const body = await parseBody(c, failSchema);
    const deployment = await deployments.fail(env, c.req.param("deployment"), body.error);
    return c.json({ id: deployment.id });
  });

  app.post("/api/v1/deployments/:version/promote", async (c) => {
    const env = c.get("env");
    const deployment = await deployments.promote(env, c.req.param("version"), await actorOf(services, env, undefined));
    return c.json({ id: deployment.id, version: deployment.version, shortCode: deployment.shortCode });
  });
}
