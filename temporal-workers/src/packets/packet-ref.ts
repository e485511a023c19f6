/**
 * How the engine carries a value too large to travel inline: a small reference to a packet in the object store.
 * Payloads, outputs and batch items past the inline limit become `{ $stintPacket: { path, size, dataType } }` in
 * workflow inputs, run state and journal results; executors and readers resolve it. Plain JSON, workflow-safe.
 */
export const PACKET_REF_KEY = "$stintPacket";

export interface PacketRef {
  [PACKET_REF_KEY]: {
    /** Where the packet is, relative to its environment's folder of the store. */
    path: string;
    /** Bytes of the packet; absent while a reference a client handed in is not checked yet. */
    size?: number;
    dataType?: string;
  };
}

export function isPacketRef(value: unknown): value is PacketRef {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const inner = (value as Record<string, unknown>)[PACKET_REF_KEY];
  return (
    typeof inner === "object" &&
    inner !== null &&
    typeof (inner as { path?: unknown }).path === "string" &&
    Object.keys(value).length === 1
  );
}

export function packetRef(path: string, size?: number, dataType?: string): PacketRef {
  return {
    [PACKET_REF_KEY]: {
      path,
      ...(size === undefined ? {} : { size }),
      ...(dataType === undefined ? {} : { dataType }),
    },
  };
}
