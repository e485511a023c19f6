/**
 * The version a new run of a deployed environment is locked to: the trigger's `lockToVersion` (the SDK's `version`
 * option or TRIGGER_VERSION), which must name one of the environment's deployed versions, else the current
 * deployment's. The run's attempts carry it (`info.version`), so its retries, resumes and replays run that code.
 * Development runs take the version of the `stint dev` build their first attempt runs, as before.
 */
import { EngineError } from "@stint/temporal-workers";
import type { Database } from "../database/prisma-client.js";
import type { RunVersionLock } from "../engine/environment-engines.js";
import { currentDeploymentVersion } from "./read-deployment-bundle.js";

export function deployedVersionLock(db: Database): RunVersionLock {
  return async (env, requested) => {
    if (env.type === "DEVELOPMENT") return undefined;
    if (requested) {
      const deployment = await db.deployment.findUnique({
        where: { environmentId_version: { environmentId: env.id, version: requested } },
        select: { status: true },
      });
      if (deployment?.status !== "DEPLOYED") {
        throw new EngineError(
          400,
          `options.lockToVersion: this environment has no deployed version "${requested}"; name one that \`stint deploy\` deployed (the dashboard's Deployments page lists them), or leave it out for the current one`,
        );
      }
      return requested;
    }
    return currentDeploymentVersion({ db }, env.id);
  };
}
