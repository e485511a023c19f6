/** @stint/dashboard — the Stint webapp: the Trigger-compatible REST API and the dashboard UI. */
export { startWebapp, WORKER_TOKEN_FILE, type Webapp, type WebappOptions } from "./server/start-webapp.js";
export { ApiError, AuthError, EventStoreUnavailableError, PortInUseError } from "./server/errors.js";
export { workerGroupTaskQueue, WORKER_TOKEN_PREFIX } from "./server/workers/worker-tokens.js";
export { DEFAULT_WORKER_GROUP, createWorkerGroup, rotateWorkerToken } from "./server/workers/worker-groups.js";
export type { BootstrapResult } from "./server/bootstrap/first-boot.js";
export {
  createOrganization,
  createProject,
  createUser,
  rotateSecretKey,
  type CreatedProject,
  type CreatedEnvironment,
} from "./server/tenancy/create-project.js";
export { attemptQueueFor } from "./server/engine/environment-engines.js";
export { createDatabase, type Database } from "./server/database/prisma-client.js";
export { createEmptyDatabase } from "./server/database/create-database.js";
export { clickhouseUrlSchema } from "./server/events/clickhouse-event-store.js";
