/** What the worker API's routes share: the worker group a request authenticated as, and the deployed environment it asks about. */
import type { AuthenticatedWorkerGroup } from "../../workers/worker-authenticator.js";
import { ApiError, notFound } from "../api-error.js";
import type { ApiServices } from "../services.js";
import { workerGroupOf } from "../../engine/environment-engines.js";

export type WorkerApiEnv = { Variables: { workerGroup: AuthenticatedWorkerGroup } };

/** A deployed environment whose attempts `group`'s supervisors run: a token of another group is refused (403). */
export async function deployedEnvironment(
  services: ApiServices,
  environmentId: string,
  group: AuthenticatedWorkerGroup,
) {
  const env = await services.auth.byId(environmentId);
  if (!env) throw notFound(`Environment ${environmentId}`);
  // Development runs execute in `stint dev` sessions, never on worker servers.
  if (env.type === "DEVELOPMENT")
    throw new ApiError(
      403,
      `Environment ${environmentId} is a development environment: its runs execute in stint dev, not on worker servers`,
    );
  const served = workerGroupOf(env);
  if (served !== group.name)
    throw new ApiError(
      403,
      `Environment ${environmentId} is not served by worker group ${group.name} (its attempts go to worker group ${served}): use that group's worker token`,
    );
  return env;
}
