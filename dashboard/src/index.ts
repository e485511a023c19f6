/** @stint/dashboard — the Stint webapp: Trigger-compatible REST API (and, next, the dashboard UI). */
export { startWebapp, PortInUseError, type Webapp, type WebappOptions } from "./server/start-webapp.js";
export type { BootstrapResult } from "./server/bootstrap/first-boot.js";
export { createOrganization, createProject, createUser, rotateSecretKey, type CreatedProject, type CreatedEnvironment } from "./server/tenancy/create-project.js";
export { attemptQueueFor } from "./server/engine/environment-engines.js";
export { createDatabase, type Database } from "./server/database/prisma-client.js";
export { createEmptyDatabase } from "./server/database/create-database.js";
