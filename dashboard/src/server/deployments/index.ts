/** Deployments (`stint deploy`): versions of a deployed environment's code, the current one, and their bundles. */
export { DeploymentService, type Deployment, type Actor } from "./deployment-service.js";
export { readDeploymentBundle, currentDeploymentVersion, type DeploymentBundle } from "./read-deployment-bundle.js";
export { deployedVersionLock } from "./run-version-lock.js";
export {
  deploymentManifestSchema,
  declaredSchedules,
  MACHINE_PRESETS,
  type DeploymentManifest,
  type ManifestTask,
} from "./deployment-manifest.js";
export {
  deploymentBundleSchema,
  decodeBundleUpload,
  bundleObjectKey,
  MAX_BUNDLE_BYTES,
  type DeploymentBundleFiles,
} from "./deployment-bundle.js";
export { nextVersion, VERSION_PATTERN } from "./deployment-version.js";
