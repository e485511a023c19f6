/**
 * The webapp's deployments API as `stint deploy` calls it, with the environment's secret key: initialize a version,
 * register its manifest, upload its bundle, finalize (or fail) it.
 */
import { gzipSync } from "node:zlib";
import { z } from "zod";
import type { WebappTarget } from "./webapp-session.js";
import type { DeployManifest } from "./project/deploy-manifest.js";

export interface BundleUpload {
  files: Array<{ path: string; contents: string }>;
  entries: Array<{ file: string; source: string }>;
  configFile?: string;
}

const initializedSchema = z.object({
  id: z.string(),
  version: z.string(),
  shortCode: z.string(),
  imageTag: z.string(),
});
const deploymentSchema = z.object({
  id: z.string(),
  version: z.string(),
  shortCode: z.string(),
  status: z.string(),
  isCurrent: z.boolean().optional(),
});

async function call(
  target: WebappTarget,
  method: string,
  path: string,
  body: { json: unknown } | { gzip: Buffer },
): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(new URL(path, target.apiUrl), {
      method,
      headers: {
        authorization: `Bearer ${target.secretKey}`,
        "content-type": "json" in body ? "application/json" : "application/gzip",
      },
      body: "json" in body ? JSON.stringify(body.json) : new Uint8Array(body.gzip),
    });
  } catch (error) {
    throw new Error(
      `Cannot reach the Stint webapp at ${target.apiUrl} (${(error as Error).message}): is it running, and is --api-url (TRIGGER_API_URL) right?`,
    );
  }
  const json = (await response.json().catch(() => ({}))) as { error?: string };
  if (!response.ok)
    throw new Error(`The Stint webapp refused ${method} ${path} (${response.status}): ${json.error ?? "no details"}`);
  return json;
}

export async function initializeDeployment(
  target: WebappTarget,
  input: { contentHash: string; deployedBy?: string; projectRef: string },
) {
  return initializedSchema.parse(await call(target, "POST", "/api/v1/deployments", { json: input }));
}

export async function registerManifest(
  target: WebappTarget,
  deploymentId: string,
  manifest: DeployManifest,
): Promise<void> {
  await call(target, "POST", `/api/v1/deployments/${deploymentId}/background-workers`, {
    json: { localOnly: false, metadata: manifest },
  });
}

/** Returns the compressed size sent. */
export async function uploadBundle(target: WebappTarget, deploymentId: string, bundle: BundleUpload): Promise<number> {
  const gzip = gzipSync(JSON.stringify(bundle));
  await call(target, "PUT", `/api/v1/deployments/${deploymentId}/bundle`, { gzip });
  return gzip.length;
}

export async function finalizeDeployment(
  target: WebappTarget,
  deploymentId: string,
  input: { skipPromotion: boolean; imageReference?: string },
) {
  return deploymentSchema.parse(
    await call(target, "POST", `/api/v1/deployments/${deploymentId}/finalize`, { json: input }),
  );
}

export async function failDeployment(target: WebappTarget, deploymentId: string, error: Error): Promise<void> {
  await call(target, "POST", `/api/v1/deployments/${deploymentId}/fail`, {
    json: { error: { name: error.name, message: error.message } },
  });
}
