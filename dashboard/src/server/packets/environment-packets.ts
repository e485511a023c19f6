/**
 * The webapp's object store, one folder per environment (`packets/<environment id>/<path>`): the engine stores large
 * payloads and outputs there, and the packets API hands out presigned URLs into it. A key reaches only its own
 * environment's folder.
 */
import { objectKeyProblem, type ObjectStore, type PresignMethod } from "@stint/object-store";
import { isPacketRef, objectPacketStore, type PacketStore } from "@stint/temporal-workers";
import { ApiError } from "../api/api-error.js";

/** Presigned URLs handed to clients last this long. */
const PRESIGN_SECONDS = 60 * 60;

export class EnvironmentPackets {
  constructor(readonly store: ObjectStore) {}

  private folder(environmentId: string): string {
    return `packets/${environmentId}`;
  }

  storeFor(environmentId: string): PacketStore {
    return objectPacketStore(this.store, this.folder(environmentId));
  }

  /** A presigned URL for `path` in the environment's folder; `field` names the path in errors. */
  async presign(method: PresignMethod, environmentId: string, path: string, field = "path"): Promise<string> {
    const problem = objectKeyProblem(path);
    if (problem) throw new ApiError(400, `${field}: a packet path ${problem}`);
    return this.store.presign(method, `${this.folder(environmentId)}/${path}`, PRESIGN_SECONDS);
  }

  async exists(environmentId: string, path: string): Promise<boolean> {
    if (objectKeyProblem(path)) return false;
    return (await this.store.head(`${this.folder(environmentId)}/${path}`)) !== undefined;
  }

  /** A download URL for a run's payload or output when it is stored by reference, else undefined. */
  async downloadUrl(environmentId: string, value: unknown): Promise<string | undefined> {
    return isPacketRef(value) ? this.presign("GET", environmentId, value.$stintPacket.path) : undefined;
  }
}
