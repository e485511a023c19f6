/**
 * Payloads and outputs of 128 KB and more for the runs a supervisor executes (see docs/large-payloads.md): presigned
 * URLs into the environment's folder of the object store, as the packets API gives an environment's key.
 * - PUT `/api/v1/worker/environments/:environmentId/packets/{path}` → `{ presignedUrl, storagePath }` to upload to;
 * - GET `/api/v1/worker/environments/:environmentId/packets/{path}` → `{ presignedUrl }` to download from.
 */
import type { Context, Hono } from "hono";
import { ApiError, notFound } from "../api-error.js";
import type { ApiServices } from "../services.js";
import { deployedEnvironment, type WorkerApiEnv } from "./worker-environment.js";

/** The path after `.../packets/`, whether its slashes were encoded or not. */
function packetPath(c: Context<WorkerApiEnv>): string {
  const pathname = new URL(c.req.url).pathname;
  const raw = pathname.slice(pathname.indexOf("/packets/") + "/packets/".length);
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new ApiError(400, "path: not valid percent-encoding");
  }
}

export function workerPacketRoutes(worker: Hono<WorkerApiEnv>, services: ApiServices): void {
  worker.put("/environments/:environmentId/packets/*", async (c) => {
    const env = await deployedEnvironment(services, c.req.param("environmentId"), c.get("workerGroup"));
    const path = packetPath(c);
    return c.json({ presignedUrl: await services.packets.presign("PUT", env.id, path), storagePath: path });
  });

  worker.get("/environments/:environmentId/packets/*", async (c) => {
    const env = await deployedEnvironment(services, c.req.param("environmentId"), c.get("workerGroup"));
    const path = packetPath(c);
    if (!(await services.packets.exists(env.id, path))) throw notFound(`Packet ${path}`);
    return c.json({ presignedUrl: await services.packets.presign("GET", env.id, path) });
  });
}
