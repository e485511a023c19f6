/**
 * GET /api/v1/worker/deployments/:environmentId/:version/bundle: the code `stint deploy` uploaded for a version — its
 * files, task files, built config and manifest — for the supervisors that run its attempts (they keep it by version).
 */
import type { Hono } from "hono";
import { readDeploymentBundle } from "../../deployments/index.js";
import { notFound } from "../api-error.js";
import type { ApiServices } from "../services.js";
import { deployedEnvironment, type WorkerApiEnv } from "./worker-environment.js";

export function workerBundleRoute(worker: Hono<WorkerApiEnv>, services: ApiServices): void {
  worker.get("/deployments/:environmentId/:version/bundle", async (c) => {
    const env = await deployedEnvironment(services, c.req.param("environmentId"), c.get("workerGroup"));
    const version = c.req.param("version");
    const bundle = await readDeploymentBundle(services, env.id, version);
    if (!bundle)
      throw notFound(
        `Deployment ${version} of environment ${env.id} (or its bundle: the deploy did not finish uploading it)`,
      );
    return c.json({
      version: bundle.version,
      status: bundle.status,
      files: bundle.files,
      entries: bundle.entries,
      configFile: bundle.configFile,
      manifest: bundle.manifest,
    });
  });
}
