/**
 * A packet store reached through a Stint webapp, with the protocol the Trigger.dev SDK uses: `PUT /api/v2/packets/…`
 * answers a presigned upload URL (and the path to reference), `GET /api/v1/packets/…` a presigned download URL. What
 * `stint dev` sessions and workers use: they hold an environment's key, not the store's credentials.
 */
import { z } from "zod";
import type { Packet } from "./packet-codec.js";
import type { PacketStore } from "./packet-store.js";

const presignedSchema = z.object({ presignedUrl: z.string().url(), storagePath: z.string().optional() });

export interface ApiPacketStoreOptions {
  apiUrl: string;
  /** Sent as `Authorization: Bearer`: an environment's secret key (or a supervisor's worker token, with `route`). */
  secretKey: string;
  /** Where to ask for a presigned URL (default: the SDK's `/api/v2/packets/…` to upload, `/api/v1/packets/…` to download). */
  route?: (method: "PUT" | "GET", encodedPath: string) => string;
}

const TRIES = 4;

async function withRetries<T>(what: string, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= TRIES || (error as { permanent?: boolean }).permanent)
        throw new Error(`${what}: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt));
    }
  }
}

function failure(message: string, status: number): Error {
  // 4xx answers will not change on a retry (a 429 may).
  return Object.assign(new Error(message), { permanent: status >= 400 && status < 500 && status !== 429 });
}

export class ApiPacketStore implements PacketStore {
  constructor(private readonly options: ApiPacketStoreOptions) {}

  private async presign(method: "PUT" | "GET", path: string): Promise<z.infer<typeof presignedSchema> | undefined> {
    const version = method === "PUT" ? "v2" : "v1";
    const route =
      this.options.route?.(method, encodeURIComponent(path)) ?? `/api/${version}/packets/${encodeURIComponent(path)}`;
    const response = await fetch(new URL(route, this.options.apiUrl), {
      method,
      headers: { authorization: `Bearer ${this.options.secretKey}` },
    });
    if (method === "GET" && response.status === 404) return undefined;
    if (!response.ok)
      throw failure(
        `${method} ${route.split("/packets/")[0]}/packets answered ${response.status}: ${(await response.text()).slice(0, 300)}`,
        response.status,
      );
    return presignedSchema.parse(await response.json());
  }

  put(path: string, packet: Packet): Promise<string> {
    return withRetries(`storing packet ${path}`, async () => {
      const { presignedUrl, storagePath } = (await this.presign("PUT", path))!;
      const upload = await fetch(presignedUrl, {
        method: "PUT",
        headers: { "content-type": packet.dataType },
        body: packet.data,
      });
      if (!upload.ok)
        throw failure(`upload answered ${upload.status}: ${(await upload.text()).slice(0, 300)}`, upload.status);
      return storagePath ?? path;
    });
  }

  get(path: string): Promise<Packet | undefined> {
    return withRetries(`reading packet ${path}`, async () => {
      const presigned = await this.presign("GET", path);
      if (!presigned) return undefined;
      const download = await fetch(presigned.presignedUrl);
      if (download.status === 404) return undefined;
      if (!download.ok) throw failure(`download answered ${download.status}`, download.status);
      return { data: await download.text(), dataType: download.headers.get("content-type") ?? "application/json" };
    });
  }
}
