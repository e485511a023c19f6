/** @stint/cli — programmatic face of the `stint` CLI. */
export { runDev, devOptionsSchema, type DevOptions } from "./commands/dev.js";
export { runInit, type InitOptions, type InitResult } from "./commands/init.js";
export { runStatus, type StatusOptions } from "./commands/status.js";
export { runDeploy, deployOptionsSchema, type DeployOptions, type DeployResult } from "./commands/deploy.js";
export type { DeployManifest, DeployedRetry } from "./project/deploy-manifest-shape.js";
export { loadConfig, findConfigFile } from "./project/load-config.js";
export { ConfigError, ImageError } from "./errors.js";
export { sdkAliasPlugin } from "./project/sdk-alias-plugin.js";
