/** A version's code for the worker servers that run it: its bundle's files and its manifest. */
import { sqlPool, type Database } from "../database/prisma-client.js";
import type { ObjectStore } from "@stint/object-store";
import { decodeStoredBundle, type DeploymentBundleFiles } from "./deployment-bundle.js";
import { deploymentManifestSchema, type DeploymentManifest } from "./deployment-manifest.js";

export interface DeploymentBundle extends DeploymentBundleFiles {
  deploymentId: string;
  version: string;
  status: "PENDING" | "DEPLOYED" | "FAILED";
  manifest: DeploymentManifest;
}

/**
 * The bundle `stint deploy` uploaded for `version` of the environment: write `files` under a folder of the version and
 * load `entries` (and `configFile`) from there in a runner. Undefined when the environment has no such version or its
 * bundle was not uploaded (yet).
 */
export async function readDeploymentBundle(
  /** The webapp's services (ApiServices), or the database and the object store. */
  services: { db: Database; packets: { store: ObjectStore } },
  environmentId: string,
  version: string,
): Promise<DeploymentBundle | undefined> {
  const deployment = await services.db.deployment.findUnique({
    where: { environmentId_version: { environmentId, version } },
  });
  if (!deployment?.bundleKey || !deployment.manifest) return undefined;
  const stored = await services.packets.store.get(deployment.bundleKey);
  if (!stored)
    throw new Error(`The bundle of deployment ${version} (${deployment.bundleKey}) is missing from the object store`);
  return {
    ...decodeStoredBundle(stored.body),
    deploymentId: deployment.id,
    version: deployment.version,
    status: deployment.status,
    manifest: deploymentManifestSchema.parse(deployment.manifest),
  };
}

/** The version new runs of the environment are locked to, if it has one. */
export async function currentDeploymentVersion(
  services: { db: Database },
  environmentId: string,
): Promise<string | undefined> {
  // Read for every trigger of a deployed environment: on the pool under Prisma (see sqlPool), as a named statement,
  // which each connection plans once (planning took 20 times as long as running it).
  const { rows } = await sqlPool(services.db).query<{ version: string }>({
    name: "current-deployment-version",
    text: `SELECT d."version" FROM "CurrentDeployment" c JOIN "Deployment" d ON d."id" = c."deploymentId" WHERE c."environmentId" = $1`,
    values: [environmentId],
  });
  return rows[0]?.version;
}
