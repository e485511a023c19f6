/**
 * The packets API the Trigger.dev SDK uses for values of 128 KB and more: it asks for a presigned URL, uploads or
 * downloads there (the embedded store's URLs point at this webapp, an S3 store's at the store), and sends the path as
 * an `application/store` packet. Paths are inside the environment of the key: another environment's packets are
 * out of reach.
 *
 * - PUT `/api/v2/packets/{path}` (SDK ≥ 4.4; v1 for older ones) → `{ presignedUrl, storagePath }` to upload to;
 * - GET `/api/v1/packets/{path}` → `{ presignedUrl }` to download from;
 * - GET `/api/v1/runs/{runId}/packets/{payload|output}` → `{ presignedUrl }` of a run's stored payload or output
 *   (what the SDK asks first, and what a public token that may read the run may ask).
 */
import type { Context } from "hono";
import { isPacketRef } from "@stint/temporal-workers";
import { ApiError, notFound } from "../api-error.js";
import { ownedRun } from "../ownership.js";
import type { ApiApp, ApiEnv, ApiServices } from "../services.js";
import { runIdParam } from "../validation.js";

/** The path after `prefix`, whether the SDK encoded its slashes (`%2F`, SDK ≥ 4.4) or not. */
function packetPath(c: Context<ApiEnv>, prefix: string): string {
  const raw = new URL(c.req.url).pathname.slice(prefix.length);
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new ApiError(400, "path: not valid percent-encoding");
  }
}

export function packetRoutes(app: ApiApp, services: ApiServices): void {
  const presignUpload = async (c: Context<ApiEnv>, prefix: string) => {
    const path = packetPath(c, prefix);
    const presignedUrl = await services.packets.presign("PUT", c.get("env").id, path);
    return c.json({ presignedUrl, storagePath: path });
  };
  app.put("/api/v2/packets/*", (c) => presignUpload(c, "/api/v2/packets/"));
  app.put("/api/v1/packets/*", (c) => presignUpload(c, "/api/v1/packets/"));

  app.get("/api/v1/packets/*", async (c) => {
    const env = c.get("env");
    const path = packetPath(c, "/api/v1/packets/");
    const presignedUrl = await services.packets.presign("GET", env.id, path);
    if (!(await services.packets.exists(env.id, path))) throw notFound(`Packet ${path}`);
    return c.json({ presignedUrl });
  });

  app.get("/api/v1/runs/:runId/packets/:field", async (c) => {
    const env = c.get("env");
    const field = c.req.param("field");
    if (field !== "payload" && field !== "output")
      throw new ApiError(400, `field: "${field.slice(0, 32)}" is not a run packet; expected payload or output`);
    const run = await ownedRun(services.engines.for(env), env, runIdParam(c.req.param("runId")), services.db);
    const value = run[field];
    if (!isPacketRef(value))
      throw notFound(`A stored ${field} of run ${run.id} (it is inline: read it with runs.retrieve)`);
    return c.json({ presignedUrl: await services.packets.presign("GET", env.id, value.$stintPacket.path) });
  });
}
