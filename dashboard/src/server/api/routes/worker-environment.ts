/** What the worker API's routes share: the worker group a request authenticated as, and the deployed environment it asks about. */
import type { AuthenticatedWorkerGroup } from "../../workers/worker-authenticator.js";
import { ApiError, notFound } from "../api-error.js";
import type { ApiServices } from "../services.js";

export type WorkerApiEnv = { Variables: { workerGroup: AuthenticatedWorkerGroup } };

export async function deployedEnvironment(services: ApiServices, environmentId: string) {
  const env = await services.auth.byId(environmentId);
  if (!env) throw notFound(`Environment ${environmentId}`);
  // Development runs execute in `stint dev` sessions, never on worker servers.
  if (env.type === "DEVELOPMENT") throw new ApiError(403, `Environment ${environmentId} is a development environment: its runs execute in stint dev, not on worker servers`);
  return env;
}
