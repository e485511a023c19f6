/** Where the engine keeps packets: one environment's folder of an object store, however it is reached. */
import type { Packet } from "./packet-codec.js";

export interface PacketStore {
  /** Stores `packet` at `path` (relative to the environment); answers the path to reference it by. */
  put(path: string, packet: Packet): Promise<string>;
  /** Undefined when nothing is stored at `path`. */
  get(path: string): Promise<Packet | undefined>;
  /** Size and type without reading the packet (stores that cannot tell omit it). */
  stat?(path: string): Promise<{ size: number; dataType: string } | undefined>;
}

/** The slice of an object store (see @stint/object-store) the engine needs. */
export interface ObjectStoreLike {
  put(key: string, body: string, contentType: string): Promise<void>;
  get(key: string): Promise<{ body: Buffer; contentType: string } | undefined>;
  head(key: string): Promise<{ size: number; contentType: string } | undefined>;
}

/** A packet store over an object store, every path under `prefix` (an environment's folder). */
export function objectPacketStore(store: ObjectStoreLike, prefix: string): PacketStore {
  const key = (path: string) => (prefix ? `${prefix}/${path}` : path);
  return {
    async put(path, packet) {
      await store.put(key(path), packet.data, packet.dataType);
      return path;
    },
    async get(path) {
      const object = await store.get(key(path));
      return object && { data: object.body.toString("utf8"), dataType: object.contentType };
    },
    async stat(path) {
      const info = await store.head(key(path));
      return info && { size: info.size, dataType: info.contentType };
    },
  };
}
