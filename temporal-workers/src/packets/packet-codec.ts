/**
 * Values as Trigger.dev packets: `application/json` when JSON loses nothing, else `application/super+json` (Dates,
 * Maps, Sets, BigInts, repeated and circular references) — what the Trigger.dev SDK itself stores, so a presigned URL
 * handed to the real SDK parses as it expects.
 */
import superjson from "superjson";

export interface Packet {
  data: string;
  dataType: string;
}

export function valueToPacket(value: unknown): Packet {
  const { json, meta } = superjson.serialize(value);
  const onlyUndefined =
    !meta?.values ||
    Object.values(meta.values as Record<string, unknown>).every(
      (note) => Array.isArray(note) && note.length === 1 && note[0] === "undefined",
    );
  if (!meta || (onlyUndefined && !meta.referentialEqualities))
    return { data: JSON.stringify(json) ?? "null", dataType: "application/json" };
  return { data: JSON.stringify({ json, meta }), dataType: "application/super+json" };
}

export function packetToValue(packet: Packet): unknown {
  const type = packet.dataType.split(";")[0]!.trim().toLowerCase();
  switch (type) {
    case "application/super+json":
      return superjson.parse(packet.data);
    case "text/plain":
      return packet.data;
    default:
      return JSON.parse(packet.data);
  }
}

export function packetBytes(packet: Packet): number {
  return Buffer.byteLength(packet.data, "utf8");
}
