/**
 * The SDK sends payloads and metadata as packets: a string plus its type (`application/super+json` from
 * superjson, `application/json`, `text/plain`, or `application/store`: the path of a packet it uploaded through a
 * presigned URL). The engine stores plain values, so packets are decoded on the way in; a stored payload becomes a
 * reference the engine checks before the run starts.
 */
import superjson from "superjson";
import { objectKeyProblem } from "@stint/object-store";
import { PACKET_REF_KEY, isPacketRef, packetRef } from "@stint/temporal-workers";
import { ApiError } from "./api-error.js";
import { parseClientJson } from "./json-limits.js";

/** `allowStore`: the field may be an `application/store` packet (payloads; metadata always travels inline). */
export function decodePacket(
  data: unknown,
  dataType: string | undefined,
  field: string,
  options: { allowStore?: boolean } = {},
): unknown {
  const value = decodeValue(data, dataType, field, options.allowStore ?? false);
  // The engine's references are its own: a value shaped like one would let a caller point a run at another packet.
  if (!(dataType === "application/store") && isPacketRef(value))
    throw new ApiError(400, `${field}: the key "${PACKET_REF_KEY}" is reserved; rename it`);
  return value;
}

function decodeValue(data: unknown, dataType: string | undefined, field: string, allowStore: boolean): unknown {
  if (data === undefined || data === null) return data ?? undefined;
  if (typeof data !== "string") return data;
  switch (dataType ?? "application/json") {
    case "application/super+json": {
      const parsed = parseClientJson(data, field);
      try {
        if (!parsed.ok) throw new Error("not JSON");
        return superjson.deserialize(parsed.value as Parameters<typeof superjson.deserialize>[0]);
      } catch {
        throw new ApiError(400, `${field}: not valid superjson (payloadType application/super+json)`);
      }
    }
    case "application/json": {
      const parsed = parseClientJson(data, field);
      // The SDK sends already-parsed JSON values too; a string that is not JSON text is the value itself.
      return parsed.ok ? parsed.value : data;
    }
    case "text/plain":
      return data;
    case "application/store":
      if (!allowStore)
        throw new ApiError(422, `${field}: only payloads may be stored packets (application/store); send it inline`);
      if (objectKeyProblem(data)) throw new ApiError(400, `${field}: a stored packet's path ${objectKeyProblem(data)}`);
      return packetRef(data);
    default:
      throw new ApiError(
        415,
        `${field}: unsupported packet type "${dataType}"; use application/json or application/super+json`,
      );
  }
}

/**
 * A value as a packet the SDK parses back into itself (waitpoint token outputs, batch results, realtime rows): JSON
 * text, or superjson where JSON cannot carry it (a BigInt, Date, Map, Set, or a cycle), as Trigger.dev's packets do.
 */
export function encodePacket(value: unknown): {
  data?: string;
  dataType: "application/json" | "application/super+json";
} {
  if (value === undefined) return { dataType: "application/json" };
  const { json, meta } = superjson.serialize(value);
  return meta
    ? { data: JSON.stringify({ json, meta }), dataType: "application/super+json" }
    : { data: JSON.stringify(json), dataType: "application/json" };
}
